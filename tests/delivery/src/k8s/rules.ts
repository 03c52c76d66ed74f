import { containersOf, podSpecOf } from './pod-security.js';
import type { K8sObject } from './render.js';

// Rendered Kubernetes objects are read loosely: the checks look up only the fields they judge.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

export const isServiceWorkload = (object: K8sObject) =>
  object.kind === 'Deployment' &&
  object.metadata.labels?.['app.kubernetes.io/component'] === 'service';

function httpProbe(probe: Obj | undefined): { path?: string; port?: unknown } {
  return { path: probe?.httpGet?.path, port: probe?.httpGet?.port };
}

/**
 * The house rules of a service's Deployment, as "what is wrong" lines; empty when it follows
 * them: probes on the health routes, requests and a memory limit, a hardened container on a
 * read-only root filesystem with `/tmp` writable, migrations in an init container of the same
 * image before the service starts (unless `migrations: false`: a service without a database).
 */
export function serviceWorkloadProblems(
  deployment: K8sObject,
  options: { migrations?: boolean } = {},
): string[] {
  const name = deployment.metadata.name;
  const pod = podSpecOf(deployment) ?? {};
  const problems: string[] = [];
  const main = (pod.containers ?? []).find((c: Obj) => c.name === name);
  if (!main) return [`${name}: no container named ${name}`];

  const live = httpProbe(main.livenessProbe);
  const ready = httpProbe(main.readinessProbe);
  if (live.path !== '/health/live') problems.push(`${name}: livenessProbe must GET /health/live`);
  if (ready.path !== '/health/ready')
    problems.push(`${name}: readinessProbe must GET /health/ready`);
  const ports = (main.ports ?? []).map((p: Obj) => p.name);
  for (const [kind, probe] of [
    ['liveness', live],
    ['readiness', ready],
  ] as const) {
    if (typeof probe.port === 'string' && !ports.includes(probe.port)) {
      problems.push(`${name}: ${kind}Probe port ${probe.port} is not a container port`);
    }
  }

  if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') {
    problems.push(`${name}: pod seccompProfile must be RuntimeDefault`);
  }
  if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${name}: pod must runAsNonRoot`);
  if (pod.automountServiceAccountToken !== false) {
    problems.push(`${name}: must not mount a service account token`);
  }
  const tmpVolumes = new Set(
    (pod.volumes ?? []).filter((v: Obj) => v.emptyDir).map((v: Obj) => v.name as string),
  );
  for (const container of containersOf(pod)) {
    const who = `${name}/${container.name}`;
    const context = container.securityContext ?? {};
    if (context.readOnlyRootFilesystem !== true) problems.push(`${who}: readOnlyRootFilesystem`);
    if (context.allowPrivilegeEscalation !== false) {
      problems.push(`${who}: allowPrivilegeEscalation must be false`);
    }
    if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`${who}: drop ALL`);
    if (context.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true) {
      problems.push(`${who}: runAsNonRoot`);
    }
    const resources = container.resources ?? {};
    if (!resources.requests?.cpu || !resources.requests?.memory) {
      problems.push(`${who}: cpu and memory requests`);
    }
    if (!resources.limits?.memory) problems.push(`${who}: memory limit`);
    const tmp = (container.volumeMounts ?? []).find((m: Obj) => m.mountPath === '/tmp');
    if (!tmp || !tmpVolumes.has(tmp.name)) problems.push(`${who}: /tmp must be an emptyDir`);
  }

  const migrate = (pod.initContainers ?? []).find((c: Obj) => c.name === 'migrate');
  // A service without a database (the web shop) has nothing to migrate.
  if (options.migrations === false) {
    if (migrate) problems.push(`${name}: has no database, so no migrate init container`);
  } else if (!migrate) {
    problems.push(`${name}: no migrate init container`);
  } else {
    if (migrate.image !== main.image) problems.push(`${name}: migrate must use the service image`);
    if (!(migrate.command ?? []).includes('dist/cli/migrate.js')) {
      problems.push(`${name}: migrate must run dist/cli/migrate.js`);
    }
    const names = (c: Obj) => JSON.stringify([c.env ?? [], c.envFrom ?? []]);
    if (names(migrate) !== names(main)) {
      problems.push(`${name}: migrate must get the same configuration as the service`);
    }
  }
  return problems;
}

/** Environment variable names whose value is a secret (or carries one, like a database URL). */
export const SECRET_NAME =
  /PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL|DATABASE_URL|AMQP_URL/i;
/** A URL with a password in it (`scheme://user:password@host`). */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/i;
/** The one credential allowed in dev-only objects: RabbitMQ's well-known local account. */
const WELL_KNOWN = new Set(['guest']);

export const isDevOnly = (object: K8sObject) =>
  object.metadata.labels?.['bazaar.dev/dev-only'] === 'true';

function passwordIn(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return URL_WITH_PASSWORD.exec(value)?.[1];
}

function decode(value: unknown): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
}

/**
 * Plain-text secrets in rendered objects. Outside dev, no Secret object at all (they are
 * created out of band, docs/deploy.md); in dev, only Secrets labelled dev-only whose values hold
 * no credential but the broker's well-known local one. Nowhere a secret-looking variable with a
 * literal value, a ConfigMap entry that looks secret, or a URL with a password in it.
 */
export function plainTextSecretProblems(
  objects: K8sObject[],
  options: { devOnlySecretsAllowed: boolean },
): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Secret') {
      if (!options.devOnlySecretsAllowed || !isDevOnly(object)) {
        problems.push(`${id}: Secrets are created out of band, not committed`);
        continue;
      }
      const values = [
        ...Object.values((object.data as Obj) ?? {}).map(decode),
        ...Object.values((object.stringData as Obj) ?? {}),
      ];
      for (const value of values) {
        const password = passwordIn(value);
        if (password && !WELL_KNOWN.has(password)) problems.push(`${id}: holds a password`);
      }
      continue;
    }
    if (object.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries((object.data as Obj) ?? {})) {
        if (SECRET_NAME.test(key)) problems.push(`${id}: ${key} belongs in a Secret`);
        const password = passwordIn(value);
        if (password && !(isDevOnly(object) && WELL_KNOWN.has(password))) {
          problems.push(`${id}: ${key} holds a password`);
        }
      }
    }
    const pod = podSpecOf(object);
    for (const container of pod ? containersOf(pod) : []) {
      for (const variable of container.env ?? []) {
        if (variable.value === undefined) continue;
        if (SECRET_NAME.test(variable.name)) {
          problems.push(`${id}/${container.name}: ${variable.name} must come from a Secret`);
        } else if (passwordIn(variable.value)) {
          problems.push(`${id}/${container.name}: ${variable.name} holds a password`);
        }
      }
    }
  }
  return problems;
}

/** Every `secretKeyRef` and `secretRef` of the pods: `{ secret, key, optional }`. */
export function secretReferences(objects: K8sObject[]) {
  const found: { secret: string; key?: string; optional: boolean }[] = [];
  for (const object of objects) {
    const pod = podSpecOf(object);
    for (const container of pod ? containersOf(pod) : []) {
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref) found.push({ secret: ref.name, key: ref.key, optional: ref.optional === true });
      }
      for (const source of container.envFrom ?? []) {
        if (source.secretRef) {
          found.push({
            secret: source.secretRef.name,
            optional: source.secretRef.optional === true,
          });
        }
      }
    }
  }
  return found;
}

/** Services an Ingress routes to, and Services reachable from outside by their type. */
export function exposedServices(objects: K8sObject[]): string[] {
  const names = new Set<string>();
  for (const object of objects) {
    if (object.kind === 'Ingress') {
      const spec = object.spec as Obj;
      const backends = [
        spec.defaultBackend,
        ...(spec.rules ?? []).flatMap((r: Obj) => (r.http?.paths ?? []).map((p: Obj) => p.backend)),
      ];
      for (const backend of backends) if (backend?.service?.name) names.add(backend.service.name);
    }
    if (object.kind === 'Service') {
      const type = (object.spec as Obj).type;
      if (type === 'LoadBalancer' || type === 'NodePort') names.add(object.metadata.name);
    }
  }
  return [...names].sort();
}

/** Every container image of the rendered pods. */
export function imagesOf(objects: K8sObject[]): string[] {
  return objects.flatMap((object) => {
    const pod = podSpecOf(object);
    return pod ? containersOf(pod).map((c) => c.image as string) : [];
  });
}

/** The tag of an image reference (`repo/name:tag@sha256:...`), if any. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastPart = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon === -1 ? undefined : lastPart.slice(colon + 1);
}

/**
 * Images not pinned: no tag and no digest, or a floating tag (`latest`, `main`, `stable`, a
 * bare major). A pinned tag is a commit SHA or a full semantic version; a digest always pins.
 */
export function unpinnedImages(images: string[]): string[] {
  return images.filter((image) => {
    if (image.includes('@sha256:')) return false;
    const tag = imageTag(image);
    return !tag || !(/^[0-9a-f]{40}$/.test(tag) || /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(tag));
  });
}
