import { SUBSCRIPTIONS } from '@bazaar/contracts';
import { deleteNamespace } from '@bazaar/messaging/testing';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a queue's name is one the system declares in `namespace`: a subscription of the
 * topology's (`<namespace><queue>`) as its main queue of any generation (`.v2`), a retry
 * queue of it (`.v2.retry.1000ms`) or its dead-letter queue (`.dlq`). Only the names the
 * topology makes, so the queues of a namespace that merely starts with this one (`s8` and
 * `s8e`) are never taken for its own.
 */
export function isNamespaceQueue(name: string, namespace: string): boolean {
  return Object.keys(SUBSCRIPTIONS).some((queue) =>
    new RegExp(`^${escape(namespace + queue)}\\.(dlq|v\\d+(\\.retry\\.\\d+ms)?)$`).test(name),
  );
}

/**
 * Deletes what the system declared on the broker in `namespace` (its queues, then its three
 * exchanges), once its services are stopped, so a run of the bench leaves nothing behind: each
 * namespace holds 30 quorum queues, and a broker with hundreds of them left restarts slowly.
 * The tests' cleanup (`deleteNamespace`), keeping to the names the topology makes; the empty
 * namespace (the names `pnpm start` uses, the same at every run) is refused.
 */
export async function deleteBrokerNamespace(
  namespace: string,
  amqpUrl: string,
): Promise<{ queues: number; exchanges: number }> {
  if (!namespace) throw new Error('refusing to delete the names of the empty namespace');
  return deleteNamespace({
    url: amqpUrl,
    namespace,
    own: (name) => isNamespaceQueue(name, namespace),
  });
}
