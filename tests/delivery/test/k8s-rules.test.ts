import { hasDefaultDeny, isAllowed } from '../src/k8s/network-policy.js';
import { restrictedViolations } from '../src/k8s/pod-security.js';
import type { K8sObject } from '../src/k8s/render.js';
import {
  exposedServices,
  imageTag,
  plainTextSecretProblems,
  secretReferences,
  serviceWorkloadProblems,
  unpinnedImages,
} from '../src/k8s/rules.js';
import { schemaProblems } from '../src/k8s/schema.js';

const object = (kind: string, name: string, rest: Record<string, unknown> = {}): K8sObject => ({
  apiVersion:
    kind === 'Deployment'
      ? 'apps/v1'
      : kind === 'NetworkPolicy' || kind === 'Ingress'
        ? 'networking.k8s.io/v1'
        : 'v1',
  kind,
  metadata: { name, namespace: 'ns' },
  ...rest,
});

const deployment = (pod: Record<string, unknown>) =>
  object('Deployment', 'catalog', {
    metadata: { name: 'catalog', labels: { 'app.kubernetes.io/component': 'service' } },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { spec: pod } },
  });

describe('Kubernetes schema validation', () => {
  it('when a field has the wrong type or a required one is missing, then it is reported', () => {
    const bad = object('Service', 'x', { spec: { ports: [{ port: 'eighty' }] } });
    expect(schemaProblems(bad).join()).toMatch(/port/);
    const noContainers = deployment({});
    expect(schemaProblems(noContainers).join()).toMatch(/containers/);
  });

  it('when a kind has no schema, then that is a problem too', () => {
    expect(
      schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    ).toEqual(['no Kubernetes schema for example.com/v1 Widget']);
  });
});

describe('Pod Security restricted check', () => {
  it('when a pod runs as root with host access and extra capabilities, then each rule is named', () => {
    const problems = restrictedViolations({
      hostNetwork: true,
      securityContext: { runAsUser: 0 },
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
      containers: [
        {
          name: 'app',
          ports: [{ containerPort: 80, hostPort: 80 }],
          securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } },
        },
      ],
    });
    expect(problems).toEqual([
      'pod: hostNetwork is not allowed',
      'pod: volume host of type hostPath is not allowed',
      'app: privileged',
      'app: allowPrivilegeEscalation must be false',
      'app: runAsNonRoot must be true',
      'app: runAsUser must not be 0',
      'app: seccompProfile must be RuntimeDefault or Localhost',
      'app: capabilities must drop ALL',
      'app: adds capability SYS_ADMIN',
      'app: hostPort 80',
    ]);
  });
});

describe('service workload rules', () => {
  it('when probes, resources, hardening and the migrate step are missing, then each is named', () => {
    const problems = serviceWorkloadProblems(
      deployment({
        containers: [
          {
            name: 'catalog',
            image: 'bazaar/catalog',
            ports: [{ name: 'web', containerPort: 8081 }],
            livenessProbe: { httpGet: { path: '/', port: 'http' } },
          },
        ],
      }),
    );
    expect(problems).toEqual([
      'catalog: livenessProbe must GET /health/live',
      'catalog: readinessProbe must GET /health/ready',
      'catalog: livenessProbe port http is not a container port',
      'catalog: pod seccompProfile must be RuntimeDefault',
      'catalog: pod must runAsNonRoot',
      'catalog: must not mount a service account token',
      'catalog/catalog: readOnlyRootFilesystem',
      'catalog/catalog: allowPrivilegeEscalation must be false',
      'catalog/catalog: drop ALL',
      'catalog/catalog: runAsNonRoot',
      'catalog/catalog: cpu and memory requests',
      'catalog/catalog: memory limit',
      'catalog/catalog: /tmp must be an emptyDir',
      'catalog: no migrate init container',
    ]);
  });

  it('when the migrate step uses another image, command or configuration, then it is named', () => {
    const problems = serviceWorkloadProblems(
      deployment({
        initContainers: [{ name: 'migrate', image: 'other', command: ['node', 'x.js'] }],
        containers: [
          { name: 'catalog', image: 'bazaar/catalog', env: [{ name: 'A', value: '1' }] },
        ],
      }),
    ).filter((p) => p.startsWith('catalog: migrate'));
    expect(problems).toEqual([
      'catalog: migrate must use the service image',
      'catalog: migrate must run dist/cli/migrate.js',
      'catalog: migrate must get the same configuration as the service',
    ]);
    expect(serviceWorkloadProblems(deployment({ containers: [] }))).toEqual([
      'catalog: no container named catalog',
    ]);
  });
});

describe('plain-text secret check', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const pod = (env: unknown[]) => deployment({ containers: [{ name: 'catalog', env }] });

  it('when secrets are committed, inlined or hidden in URLs, then each is reported', () => {
    const problems = plainTextSecretProblems(
      [
        object('Secret', 'db', { data: { DATABASE_URL: b64('postgres://u:p@db/x') } }),
        object('ConfigMap', 'cfg', {
          data: { JWT_SECRET: 'x', BROKER: 'amqp://app:hunter2@mq:5672' },
        }),
        pod([
          { name: 'ADMIN_PASSWORD', value: 'hunter2' },
          { name: 'UPSTREAM', value: 'https://bot:token123@api.example.com' },
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } },
        ]),
      ],
      { devOnlySecretsAllowed: false },
    );
    expect(problems).toEqual([
      'Secret/db: Secrets are created out of band, not committed',
      'ConfigMap/cfg: JWT_SECRET belongs in a Secret',
      'ConfigMap/cfg: BROKER holds a password',
      'Deployment/catalog/catalog: ADMIN_PASSWORD must come from a Secret',
      'Deployment/catalog/catalog: UPSTREAM holds a password',
    ]);
  });

  it('when a dev-only secret holds only the well-known guest account, then dev accepts it', () => {
    const devOnly = (value: string) =>
      object('Secret', 'dev', {
        metadata: { name: 'dev', labels: { 'bazaar.dev/dev-only': 'true' } },
        data: { AMQP_URL: b64(value) },
      });
    expect(
      plainTextSecretProblems([devOnly('amqp://guest:guest@rabbitmq:5672')], {
        devOnlySecretsAllowed: true,
      }),
    ).toEqual([]);
    expect(
      plainTextSecretProblems([devOnly('amqp://app:s3cret@rabbitmq:5672')], {
        devOnlySecretsAllowed: true,
      }),
    ).toEqual(['Secret/dev: holds a password']);
    expect(
      plainTextSecretProblems([devOnly('amqp://guest:guest@rabbitmq:5672')], {
        devOnlySecretsAllowed: false,
      }),
    ).toEqual(['Secret/dev: Secrets are created out of band, not committed']);
  });

  it('when pods reference secrets, then every reference is listed', () => {
    const refs = secretReferences([
      deployment({
        containers: [
          {
            name: 'catalog',
            env: [
              { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'A', optional: true } } },
            ],
            envFrom: [{ secretRef: { name: 'all' } }],
          },
        ],
      }),
    ]);
    expect(refs).toEqual([
      { secret: 's', key: 'A', optional: true },
      { secret: 'all', optional: false },
    ]);
  });
});

describe('exposure and image rules', () => {
  it('when Ingresses and external Service types route to services, then all of them are listed', () => {
    const exposed = exposedServices([
      object('Ingress', 'a', {
        spec: {
          defaultBackend: { service: { name: 'web' } },
          rules: [{ http: { paths: [{ backend: { service: { name: 'api' } } }] } }],
        },
      }),
      object('Service', 'debug', { spec: { type: 'NodePort' } }),
      object('Service', 'internal', { spec: { type: 'ClusterIP' } }),
    ]);
    expect(exposed).toEqual(['api', 'debug', 'web']);
  });

  it('when images float or lack a tag, then they are unpinned; SHAs, versions and digests pin', () => {
    const sha = 'a'.repeat(40);
    expect(
      unpinnedImages([
        'r/x:latest',
        'r/x',
        'r/x:main',
        'r/x:15',
        `r/x:${sha}`,
        'registry:5000/x:1.2.3',
        'r/x@sha256:abc',
        'r/x:v2.0.1-rc.1',
      ]),
    ).toEqual(['r/x:latest', 'r/x', 'r/x:main', 'r/x:15']);
    expect(imageTag('registry:5000/team/x:1.2.3@sha256:abc')).toBe('1.2.3');
    expect(imageTag('registry:5000/team/x')).toBeUndefined();
  });
});

describe('network policy evaluation', () => {
  const policy = (name: string, spec: Record<string, unknown>) =>
    object('NetworkPolicy', name, { spec });
  const a = { namespace: 'ns', labels: { app: 'a' }, ports: { http: 8080 } };
  const b = { namespace: 'ns', labels: { app: 'b' }, ports: { http: 9090 } };
  const deny = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  it('when nothing but a default deny exists, then nothing passes; without policies, everything', () => {
    expect(hasDefaultDeny([deny])).toBe(true);
    expect(isAllowed([deny], a, b, { port: 9090 })).toBe(false);
    expect(isAllowed([], a, b, { port: 9090 })).toBe(true);
    expect(hasDefaultDeny([policy('p', { podSelector: {}, policyTypes: ['Ingress'] })])).toBe(
      false,
    );
  });

  it('when both sides allow a path, then only that path on that port passes', () => {
    const policies = [
      deny,
      policy('a-out', {
        podSelector: { matchLabels: { app: 'a' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 'http' }] },
        ],
      }),
      policy('b-in', {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['b'] }] },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } },
            ],
            ports: [{ port: 9000, endPort: 9100, protocol: 'TCP' }],
          },
        ],
      }),
    ];
    expect(isAllowed(policies, a, b, { port: 9090 })).toBe(true);
    expect(isAllowed(policies, a, b, { port: 9090, protocol: 'UDP' })).toBe(false);
    expect(isAllowed(policies, a, b, { port: 8080 })).toBe(false);
    expect(isAllowed(policies, b, a, { port: 8080 })).toBe(false);
    expect(isAllowed(policies, { ...a, labels: { app: 'a', tier: 'x' } }, b, { port: 9090 })).toBe(
      false,
    );
  });

  it('when a peer names another namespace, then it matches pods there only', () => {
    const policies = [
      deny,
      policy('out', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
                },
              },
              { ipBlock: { cidr: '10.0.0.0/8' } },
            ],
          },
        ],
      }),
    ];
    const dns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    expect(isAllowed(policies, a, dns, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(isAllowed(policies, a, { ...dns, namespace: 'other' }, { port: 53 })).toBe(false);
    expect(
      isAllowed(
        [
          policy('in', {
            podSelector: {},
            ingress: [
              {
                from: [
                  {
                    podSelector: {
                      matchExpressions: [
                        { key: 'app', operator: 'NotIn', values: ['a'] },
                        { key: 'app', operator: 'Exists' },
                      ],
                    },
                  },
                ],
              },
            ],
          }),
        ],
        a,
        b,
        { port: 1 },
      ),
    ).toBe(false);
  });
});
