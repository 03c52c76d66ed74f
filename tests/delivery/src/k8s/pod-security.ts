import type { K8sObject } from './render.js';

// Rendered Kubernetes objects are read loosely: the checks look up only the fields they judge.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** The pod template of a workload (Deployment, StatefulSet, Job, ...), or a Pod's own spec. */
export function podSpecOf(object: K8sObject): Obj | undefined {
  if (object.kind === 'Pod') return object.spec as Obj;
  const spec = object.spec as Obj | undefined;
  if (object.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
}

export function containersOf(pod: Obj): Obj[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

const ALLOWED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/**
 * What keeps a pod from Pod Security's `restricted` profile (the namespaces enforce it), as
 * "container: rule" lines; empty when it would be admitted. Follows the profile's rules:
 * non-root, no privilege escalation, every capability dropped (NET_BIND_SERVICE alone may be
 * added back), seccomp RuntimeDefault or Localhost, restricted volume types, no host namespaces,
 * ports or paths, not privileged.
 */
export function restrictedViolations(pod: Obj): string[] {
  const problems: string[] = [];
  const podContext = pod.securityContext ?? {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[field]) problems.push(`pod: ${field} is not allowed`);
  }
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!type || !ALLOWED_VOLUMES.includes(type)) {
      problems.push(`pod: volume ${volume.name} of type ${type} is not allowed`);
    }
  }
  const podSeccomp = podContext.seccompProfile?.type;
  for (const container of containersOf(pod)) {
    const name = container.name ?? '?';
    const context = container.securityContext ?? {};
    if (context.privileged) problems.push(`${name}: privileged`);
    if (context.allowPrivilegeEscalation !== false) {
      problems.push(`${name}: allowPrivilegeEscalation must be false`);
    }
    const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
    if (runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot must be true`);
    const runAsUser = context.runAsUser ?? podContext.runAsUser;
    if (runAsUser === 0) problems.push(`${name}: runAsUser must not be 0`);
    const seccomp = context.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(`${name}: seccompProfile must be RuntimeDefault or Localhost`);
    }
    const drop: string[] = context.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) problems.push(`${name}: capabilities must drop ALL`);
    const add: string[] = context.capabilities?.add ?? [];
    for (const capability of add) {
      if (capability !== 'NET_BIND_SERVICE')
        problems.push(`${name}: adds capability ${capability}`);
    }
    for (const port of container.ports ?? []) {
      if (port.hostPort) problems.push(`${name}: hostPort ${port.hostPort}`);
    }
  }
  return problems;
}
