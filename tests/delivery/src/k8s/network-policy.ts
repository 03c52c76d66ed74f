import type { K8sObject } from './render.js';

type Labels = Record<string, string>;
// Rendered Kubernetes objects are read loosely: the checks look up only the fields they judge.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** One side of a connection: a pod (its labels and named ports) in a namespace. */
export interface Endpoint {
  namespace: string;
  /** The namespace's labels (`kubernetes.io/metadata.name` is added automatically). */
  namespaceLabels?: Labels;
  labels: Labels;
  /** Named container ports of the pod (`http` -> 8081), for policies that name ports. */
  ports?: Record<string, number>;
}

export interface Port {
  port: number;
  protocol?: 'TCP' | 'UDP';
}

function matchesSelector(selector: Obj | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values: string[] = expression.values ?? [];
    const ok =
      expression.operator === 'In'
        ? value !== undefined && values.includes(value)
        : expression.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : expression.operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!ok) return false;
  }
  return true;
}

function namespaceLabels(endpoint: Endpoint): Labels {
  return { ...endpoint.namespaceLabels, 'kubernetes.io/metadata.name': endpoint.namespace };
}

/** Does a rule's peer (`from`/`to` entry) select this endpoint, seen from `policyNamespace`? */
function peerMatches(peer: Obj, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return false;
  const inNamespace = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels(endpoint))
    : endpoint.namespace === policyNamespace;
  return inNamespace && matchesSelector(peer.podSelector, endpoint.labels);
}

function portMatches(rulePorts: Obj[] | undefined, target: Endpoint, port: Port): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => {
    if ((p.protocol ?? 'TCP') !== (port.protocol ?? 'TCP')) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : target.ports?.[p.port];
    if (number === undefined) return false;
    return p.endPort ? port.port >= number && port.port <= p.endPort : port.port === number;
  });
}

function policiesFor(policies: K8sObject[], endpoint: Endpoint, type: 'Ingress' | 'Egress') {
  return policies.filter((policy) => {
    const spec = policy.spec as Obj;
    const types: string[] = spec.policyTypes ?? (type === 'Ingress' ? ['Ingress'] : []);
    return (
      (policy.metadata.namespace ?? endpoint.namespace) === endpoint.namespace &&
      types.includes(type) &&
      matchesSelector(spec.podSelector, endpoint.labels)
    );
  });
}

/**
 * Whether the NetworkPolicies let `from` open a connection to `to` on `port`: allowed on the
 * sending side (no egress policy selects `from`, or one of their rules admits it) and on the
 * receiving side (likewise for ingress). Policies of namespaces not given are not known, so
 * that side counts as open, as it would for a namespace without policies.
 */
export function isAllowed(
  policies: K8sObject[],
  from: Endpoint,
  to: Endpoint,
  port: Port,
): boolean {
  const all = policies.filter((p) => p.kind === 'NetworkPolicy');
  const egress = policiesFor(all, from, 'Egress');
  const egressOk =
    egress.length === 0 ||
    egress.some((policy) =>
      ((policy.spec as Obj).egress ?? []).some(
        (rule: Obj) =>
          (!rule.to ||
            rule.to.some((peer: Obj) =>
              peerMatches(peer, policy.metadata.namespace ?? from.namespace, to),
            )) &&
          portMatches(rule.ports, to, port),
      ),
    );
  const ingress = policiesFor(all, to, 'Ingress');
  const ingressOk =
    ingress.length === 0 ||
    ingress.some((policy) =>
      ((policy.spec as Obj).ingress ?? []).some(
        (rule: Obj) =>
          (!rule.from ||
            rule.from.some((peer: Obj) =>
              peerMatches(peer, policy.metadata.namespace ?? to.namespace, from),
            )) &&
          portMatches(rule.ports, to, port),
      ),
    );
  return egressOk && ingressOk;
}

/** Is there a policy that selects every pod and denies both directions unless allowed? */
export function hasDefaultDeny(policies: K8sObject[]): boolean {
  return policies.some((policy) => {
    if (policy.kind !== 'NetworkPolicy') return false;
    const spec = policy.spec as Obj;
    const selectsAll =
      Object.keys(spec.podSelector?.matchLabels ?? {}).length === 0 &&
      (spec.podSelector?.matchExpressions ?? []).length === 0;
    const types: string[] = spec.policyTypes ?? [];
    return (
      selectsAll &&
      types.includes('Ingress') &&
      types.includes('Egress') &&
      (spec.ingress ?? []).length === 0 &&
      (spec.egress ?? []).length === 0
    );
  });
}
