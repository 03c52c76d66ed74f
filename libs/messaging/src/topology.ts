import type { Channel } from 'amqplib';

/** Exchange names of one namespace (`''` in production, a unique prefix in tests). */
export function exchangeNames(namespace: string) {
  return {
    /** Durable topic exchange every event is published to; routing key = event type. */
    events: `${namespace}bazaar.events`,
    /** Direct exchange into the dead-letter queues; routing key = the `.dlq` queue's name. */
    deadLetters: `${namespace}bazaar.dead-letters`,
    /** Direct exchange that brings a delayed retry back to its queue; routing key = queue name. */
    retries: `${namespace}bazaar.retries`,
  };
}

export interface SubscriptionTopology {
  /** Logical name (`catalog.orders`). */
  queue: string;
  eventTypes: string[];
  deliveryLimit: number;
  retryDelaysMs: number[];
}

/** Queue names of one subscription. */
export function queueNames(namespace: string, queue: string, retryDelaysMs: number[]) {
  const main = `${namespace}${queue}`;
  return {
    main,
    deadLetter: `${main}.dlq`,
    // The delay is in the name: a queue's TTL cannot change once declared, so a new delay is
    // a new queue (an old one drains into the main queue by itself).
    retries: retryDelaysMs.map((delay) => `${main}.retry.${delay}ms`),
  };
}

// Names declared in this process per namespace, so tests can delete what they created
// (the broker lists queues only through the management plugin, which is not assumed).
const declared = new Map<string, Set<string>>();

export function declaredQueues(namespace: string): string[] {
  return [...(declared.get(namespace) ?? [])];
}

function remember(namespace: string, queue: string): void {
  let names = declared.get(namespace);
  if (!names) declared.set(namespace, (names = new Set()));
  names.add(queue);
}

export function forgetNamespace(namespace: string): void {
  declared.delete(namespace);
}

/** Declares the three exchanges; idempotent. */
export async function declareExchanges(channel: Channel, namespace: string): Promise<void> {
  const names = exchangeNames(namespace);
  await channel.assertExchange(names.events, 'topic', { durable: true });
  await channel.assertExchange(names.deadLetters, 'direct', { durable: true });
  await channel.assertExchange(names.retries, 'direct', { durable: true });
}

/**
 * Declares one subscription: its quorum queue bound to its event types, with a delivery limit
 * and a dead-letter exchange into `<queue>.dlq`; the dead-letter queue; one retry queue per
 * delay, whose messages expire back into the main queue.
 */
export async function declareSubscription(
  channel: Channel,
  namespace: string,
  topology: SubscriptionTopology,
): Promise<void> {
  const exchanges = exchangeNames(namespace);
  const names = queueNames(namespace, topology.queue, topology.retryDelaysMs);
  remember(namespace, names.deadLetter);
  await channel.assertQueue(names.deadLetter, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum' },
  });
  await channel.bindQueue(names.deadLetter, exchanges.deadLetters, names.deadLetter);

  remember(namespace, names.main);
  await channel.assertQueue(names.main, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      // Counts redeliveries after a crash or a lost channel: a message that kills its consumer
      // every time ends in the DLQ instead of looping forever.
      'x-delivery-limit': topology.deliveryLimit,
      'x-dead-letter-exchange': exchanges.deadLetters,
      'x-dead-letter-routing-key': names.deadLetter,
    },
  });
  for (const type of topology.eventTypes) {
    await channel.bindQueue(names.main, exchanges.events, type);
  }
  await channel.bindQueue(names.main, exchanges.retries, names.main);

  for (const [index, delay] of topology.retryDelaysMs.entries()) {
    const retry = names.retries[index]!;
    remember(namespace, retry);
    await channel.assertQueue(retry, {
      durable: true,
      arguments: {
        'x-message-ttl': delay,
        'x-dead-letter-exchange': exchanges.retries,
        'x-dead-letter-routing-key': names.main,
      },
    });
  }
}
