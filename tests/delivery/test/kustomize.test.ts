import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { hasDefaultDeny, isAllowed, type Endpoint, type Port } from '../src/k8s/network-policy.js';
import { podSpecOf, restrictedViolations } from '../src/k8s/pod-security.js';
import {
  OVERLAYS,
  renderKustomization,
  renderOverlay,
  type K8sObject,
  type Overlay,
} from '../src/k8s/render.js';
import {
  exposedServices,
  imagesOf,
  isServiceWorkload,
  plainTextSecretProblems,
  secretReferences,
  serviceWorkloadProblems,
  unpinnedImages,
} from '../src/k8s/rules.js';
import { schemaProblems } from '../src/k8s/schema.js';
import { ROOT, SERVICES, SERVICE_NAMES } from '../src/workspace.js';

type Obj = Record<string, any>;

const rendered = new Map<Overlay, K8sObject[]>();
beforeAll(() => {
  for (const overlay of OVERLAYS) rendered.set(overlay, renderOverlay(overlay));
});
const objectsOf = (overlay: Overlay) => rendered.get(overlay)!;
const ofKind = (overlay: Overlay, kind: string) =>
  objectsOf(overlay).filter((o) => o.kind === kind);
const byName = (overlay: Overlay, kind: string, name: string) =>
  ofKind(overlay, kind).find((o) => o.metadata.name === name);

describe('kustomize bases', () => {
  it.each(SERVICE_NAMES)(
    'when the %s base is rendered alone, then it has its four objects',
    (service) => {
      const kinds = renderKustomization(join(ROOT, 'kustomize', 'base', service))
        .map((o) => o.kind)
        .sort();
      expect(kinds).toEqual(['ConfigMap', 'Deployment', 'Service', 'ServiceAccount']);
    },
  );
});

describe('a release of one service', () => {
  it.each(['staging', 'prod'] as const)(
    'when catalog gets a new image in %s, then only catalog objects change',
    (overlay) => {
      const copy = mkdtempSync(join(tmpdir(), 'bazaar-release-'));
      try {
        cpSync(join(ROOT, 'kustomize'), join(copy, 'kustomize'), { recursive: true });
        const file = join(copy, 'kustomize', 'overlays', overlay, 'kustomization.yaml');
        // What `kustomize edit set image bazaar/catalog=<registry>/catalog:<sha>` does.
        const document = parseDocument(readFileSync(file, 'utf8'));
        const images = document.get('images') as {
          items: { get(k: string): unknown; set(k: string, v: unknown): void }[];
        };
        const entry = images.items.find((i) => i.get('name') === 'bazaar/catalog')!;
        entry.set('newTag', 'f'.repeat(40));
        writeFileSync(file, document.toString());

        const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
        const before = new Map(renderOverlay(overlay).map((o) => [key(o), JSON.stringify(o)]));
        const after = renderKustomization(join(copy, 'kustomize', 'overlays', overlay));
        const changed = after.filter((o) => before.get(key(o)) !== JSON.stringify(o)).map(key);
        expect(changed).toEqual(['Deployment/catalog']);
        expect(after).toHaveLength(before.size);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
  );
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const namespace = `bazaar-${overlay}`;

  it('when rendered, then every object is valid against its Kubernetes schema', () => {
    const problems = objectsOf(overlay).flatMap((o) =>
      schemaProblems(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`),
    );
    expect(problems).toEqual([]);
    expect(objectsOf(overlay).length).toBeGreaterThan(40);
  });

  it('when rendered, then its namespace enforces Pod Security restricted and holds everything', () => {
    const ns = byName(overlay, 'Namespace', namespace);
    expect(ns?.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    const elsewhere = objectsOf(overlay)
      .filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace)
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });

  it('when rendered, then every pod would be admitted under the restricted profile', () => {
    const problems = objectsOf(overlay).flatMap((o) => {
      const pod = podSpecOf(o);
      return pod ? restrictedViolations(pod).map((p) => `${o.kind}/${o.metadata.name} ${p}`) : [];
    });
    expect(problems).toEqual([]);
  });

  it('when rendered, then all six services follow the house rules for probes, resources and security', () => {
    const workloads = objectsOf(overlay).filter(isServiceWorkload);
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());
    const database = (name: string) => SERVICES.find((s) => s.name === name)!.migrations;
    expect(
      workloads.flatMap((w) =>
        serviceWorkloadProblems(w, { migrations: database(w.metadata.name) }),
      ),
    ).toEqual([]);
  });

  it('when rendered, then each service listens on its port behind a Service that selects it', () => {
    for (const { name, port } of SERVICES) {
      const service = byName(overlay, 'Service', name)!;
      const deployment = byName(overlay, 'Deployment', name)!;
      const spec = service.spec as Obj;
      expect(spec.ports).toEqual([expect.objectContaining({ port, targetPort: 'http' })]);
      const podLabels = (deployment.spec as Obj).template.metadata.labels;
      expect(podLabels).toMatchObject(spec.selector);
      const container = podSpecOf(deployment)!.containers[0];
      expect(container.ports).toEqual([
        expect.objectContaining({ name: 'http', containerPort: port }),
      ]);
    }
  });

  it('when rendered, then no secret is in plain text', () => {
    expect(
      plainTextSecretProblems(objectsOf(overlay), { devOnlySecretsAllowed: overlay === 'dev' }),
    ).toEqual([]);
  });

  it('when rendered, then every ConfigMap a pod reads is part of the render', () => {
    const configMaps = new Set(ofKind(overlay, 'ConfigMap').map((c) => c.metadata.name));
    const missing = objectsOf(overlay).flatMap((o) => {
      const pod = podSpecOf(o);
      const refs = [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].flatMap((c: Obj) =>
        (c.envFrom ?? []).map((e: Obj) => e.configMapRef?.name).filter(Boolean),
      );
      const volumes = (pod?.volumes ?? []).map((v: Obj) => v.configMap?.name).filter(Boolean);
      return [...refs, ...volumes].filter((name) => !configMaps.has(name));
    });
    expect(missing).toEqual([]);
  });

  it('when rendered, then only the storefront and the web shop are exposed (and Jaeger UI in dev)', () => {
    expect(exposedServices(objectsOf(overlay))).toEqual(
      overlay === 'dev' ? ['jaeger', 'storefront', 'web'] : ['storefront', 'web'],
    );
  });

  it("when rendered, then the ingress routes only the public API (/v1) and its docs (/docs) to the storefront, and the web shop's pages", () => {
    const routes = ofKind(overlay, 'Ingress').flatMap((ingress) =>
      ((ingress as Obj).spec.rules as Obj[]).flatMap((rule) =>
        (rule.http.paths as Obj[]).map((p) => ({
          service: p.backend.service.name,
          path: p.path,
          pathType: p.pathType,
        })),
      ),
    );
    // Health, readiness and /metrics stay inside the cluster: no path reaches them from outside.
    expect(routes.filter((r) => r.service === 'storefront')).toEqual([
      { service: 'storefront', path: '/v1', pathType: 'Prefix' },
      { service: 'storefront', path: '/docs', pathType: 'Prefix' },
    ]);
    // The web shop's pages are every path of its host; its /docs (pages described for the team),
    // /health/* and /metrics answer there only inside the cluster: the web's own guard refuses
    // what came through an ingress (services/web/test/pages.test.ts).
    expect(routes.filter((r) => r.service === 'web')).toEqual([
      { service: 'web', path: '/', pathType: 'Prefix' },
    ]);
  });

  it('when rendered, then network policies deny by default and allow exactly the paths Bazaar uses', () => {
    const policies = ofKind(overlay, 'NetworkPolicy');
    expect(hasDefaultDeny(policies)).toBe(true);
    const pod = (name: string): Endpoint => {
      const deployment = byName(overlay, 'Deployment', name)!;
      const spec = podSpecOf(deployment)!;
      const ports = Object.fromEntries(
        spec.containers.flatMap((c: Obj) =>
          (c.ports ?? []).map((p: Obj) => [p.name, p.containerPort]),
        ),
      );
      return { namespace, labels: (deployment.spec as Obj).template.metadata.labels, ports };
    };
    const port = (name: string) => SERVICES.find((s) => s.name === name)!.port;
    const ingressController: Endpoint = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const dns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    const collector: Endpoint =
      overlay === 'dev'
        ? pod('jaeger')
        : { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'otel-collector' } };
    const outsider: Endpoint = { namespace: 'elsewhere', labels: { app: 'curious' } };

    // Every path that should be open, and what the policies say about it, side by side.
    const expected: string[] = [];
    const actual: string[] = [];
    const check = (label: string, from: Endpoint, to: Endpoint, p: Port, open: boolean) => {
      expected.push(`${label}: ${open ? 'open' : 'closed'}`);
      actual.push(`${label}: ${isAllowed(policies, from, to, p) ? 'open' : 'closed'}`);
    };
    const exposed = ['storefront', 'web'];
    for (const { name, calls, database } of SERVICES) {
      const from = pod(name);
      check(`${name} -> dns`, from, dns, { port: 53, protocol: 'UDP' }, true);
      check(`${name} -> otlp`, from, collector, { port: 4318 }, true);
      check(
        `ingress -> ${name}`,
        ingressController,
        from,
        { port: port(name) },
        exposed.includes(name),
      );
      check(`outsider -> ${name}`, outsider, from, { port: port(name) }, false);
      check(`${name} -> outsider`, from, outsider, { port: 443 }, false);
      for (const target of SERVICE_NAMES.filter((t) => t !== name)) {
        const open = (calls as readonly string[]).includes(target);
        check(`${name} -> ${target}`, from, pod(target), { port: port(target) }, open);
      }
      if (overlay === 'dev') {
        check(`${name} -> postgres`, from, pod('postgres'), { port: 5432 }, database);
        check(
          `${name} -> rabbitmq`,
          from,
          pod('rabbitmq'),
          { port: 5672 },
          database && name !== 'storefront',
        );
      } else {
        const managed: Endpoint = { namespace: 'managed', labels: {} };
        check(`${name} -> managed database pod`, from, managed, { port: 5432 }, false);
      }
    }
    if (overlay === 'dev') {
      check('ingress -> jaeger ui', ingressController, pod('jaeger'), { port: 16686 }, true);
    }
    expect(actual).toEqual(expected);
  });

  it('when rendered, then database and broker egress goes where the environment keeps them', () => {
    const managed = byName(overlay, 'NetworkPolicy', 'allow-managed-data');
    const cidrs = managed
      ? (managed.spec as Obj).egress.map((r: Obj) => r.to[0].ipBlock.cidr as string)
      : [];
    // dev reaches the in-namespace pods (checked above); the others name their managed services.
    expect(cidrs).toHaveLength(overlay === 'dev' ? 0 : 2);
  });

  it('when rendered, then every image of a service is set by its own line in the overlay', () => {
    const kustomization = parse(
      readFileSync(join(ROOT, 'kustomize', 'overlays', overlay, 'kustomization.yaml'), 'utf8'),
    ) as { images: { name: string; newName?: string; newTag: string }[] };
    expect(kustomization.images.map((i) => i.name).sort()).toEqual(
      SERVICE_NAMES.map((s) => `bazaar/${s}`).sort(),
    );
    for (const entry of kustomization.images) {
      const service = entry.name.replace('bazaar/', '');
      const expected = `${entry.newName ?? entry.name}:${entry.newTag}`;
      const images = imagesOf([byName(overlay, 'Deployment', service)!]);
      // The service's container and, with a database to migrate, its migrate init container.
      const database = SERVICES.find((s) => s.name === service)!.migrations;
      expect(images).toEqual(database ? [expected, expected] : [expected]);
    }
    expect(imagesOf(objectsOf(overlay)).filter((i) => /:latest$|^[^:]+$/.test(i))).toEqual([]);
  });

  if (overlay === 'prod') {
    it('when rendered, then every image is pinned to a commit or release tag', () => {
      expect(unpinnedImages(imagesOf(objectsOf(overlay)))).toEqual([]);
    });
  }

  if (overlay === 'dev') {
    it('when rendered, then Postgres, RabbitMQ and Jaeger run in the namespace for the services', () => {
      for (const name of ['postgres', 'rabbitmq', 'jaeger']) {
        expect([name, byName(overlay, 'Deployment', name)?.kind]).toEqual([name, 'Deployment']);
        expect([name, byName(overlay, 'Service', name)?.kind]).toEqual([name, 'Service']);
      }
      expect(
        (byName(overlay, 'Service', 'jaeger')!.spec as Obj).ports.map((p: Obj) => p.port),
      ).toEqual(expect.arrayContaining([4318, 16686]));
      const env = byName(
        overlay,
        'ConfigMap',
        ofKind(overlay, 'ConfigMap').find((c) => c.metadata.name.startsWith('bazaar-env'))!.metadata
          .name,
      )!;
      expect((env.data as Obj).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
    });

    it('when rendered, then every secret a pod needs exists in the namespace', () => {
      const secrets = new Map(ofKind(overlay, 'Secret').map((s) => [s.metadata.name, s]));
      const missing = secretReferences(objectsOf(overlay)).filter(
        (ref) => !ref.optional && !(secrets.get(ref.secret)?.data as Obj | undefined)?.[ref.key!],
      );
      expect(missing).toEqual([]);
    });
  } else {
    it('when rendered, then there is no dev infrastructure and every secret used is documented', () => {
      for (const name of ['postgres', 'rabbitmq', 'jaeger']) {
        expect(byName(overlay, 'Deployment', name)).toBeUndefined();
      }
      const docs = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
      const undocumented = secretReferences(objectsOf(overlay)).filter(
        (ref) => !docs.includes(ref.secret) || (ref.key && !docs.includes(ref.key)),
      );
      expect(undocumented).toEqual([]);
    });

    it('when rendered, then each service autoscales, has a disruption budget and no fixed replica count', () => {
      for (const service of SERVICE_NAMES) {
        const hpa = byName(overlay, 'HorizontalPodAutoscaler', service)?.spec as Obj;
        expect(hpa.scaleTargetRef).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: service,
        });
        expect(hpa.minReplicas).toBeGreaterThanOrEqual(overlay === 'prod' ? 3 : 2);
        const pdb = byName(overlay, 'PodDisruptionBudget', service)?.spec as Obj;
        expect(pdb.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': service });
        expect((byName(overlay, 'Deployment', service)!.spec as Obj).replicas).toBeUndefined();
      }
    });
  }
});
