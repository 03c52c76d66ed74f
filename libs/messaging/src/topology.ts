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
  eventTypes: readonly string[];
  deliveryLimit: number;
}

/**
 * The generation of the queues' arguments, part of their names. RabbitMQ refuses to redeclare
 * a queue with other arguments (PRECONDITION_FAILED), so a change of arguments is a new
 * generation: the new queues are declared beside the old ones, which are drained and deleted
 * by hand (docs/runbook.md, "Moving to new queue generations"). v2: at-least-once dead-lettering
 * (`x-dead-letter-strategy`, `x-overflow: reject-publish`) and quorum retry queues.
 */
export const QUEUE_GENERATION = 'v2';

/** Queue names of one subscription. */
export function queueNames(namespace: string, queue: string, retryDelaysMs: readonly number[]) {
  const main = `${namespace}${queue}.${QUEUE_GENERATION}`;
  return {
    main,
    // Unchanged across generations (its arguments are): dead letters stay where operators look.
    deadLetter: `${namespace}${queue}.dlq`,
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
 * Dead-lettering by the broker (delivery limit, TTL) that keeps the message until the target
 * queue confirmed it, instead of dropping it when the target is missing or full. RabbitMQ
 * (3.10+) honours it only on quorum queues with `reject-publish` overflow.
 */
const AT_LEAST_ONCE = {
  'x-queue-type': 'quorum',
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
} as const;

/**
 * Declares what must exist before anyone publishes to a subscription: its quorum queue bound
 * to its event types, with a delivery limit and at-least-once dead-lettering into
 * `<queue>.dlq`, and the dead-letter queue. Every service declares every subscription of the
 * topology (so an event published before its consumer ever ran waits for it); idempotent.
 */
export async function declareSubscriptionQueues(
  channel: Channel,
  namespace: string,
  topology: SubscriptionTopology,
): Promise<void> {
  const exchanges = exchangeNames(namespace);
  const names = queueNames(namespace, topology.queue, []);
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
      ...AT_LEAST_ONCE,
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
}

/**
 * Declares a consumer's retry queues, one per delay: a failed message is published into the
 * attempt's queue through the retries exchange (routing key = the retry queue's name) and,
 * after the queue's TTL, dead-lettered back into the main queue (routing key = its name).
 */
export async function declareRetryQueues(
  channel: Channel,
  namespace: string,
  queue: string,
  retryDelaysMs: readonly number[],
): Promise<void> {
  const exchanges = exchangeNames(namespace);
  const names = queueNames(namespace, queue, retryDelaysMs);
  for (const [index, delay] of retryDelaysMs.entries()) {
    const retry = names.retries[index]!;
    remember(namespace, retry);
    await channel.assertQueue(retry, {
      durable: true,
      arguments: {
        ...AT_LEAST_ONCE,
        'x-message-ttl': delay,
        'x-dead-letter-exchange': exchanges.retries,
        'x-dead-letter-routing-key': names.main,
      },
    });
    await channel.bindQueue(retry, exchanges.retries, retry);
  }
}
