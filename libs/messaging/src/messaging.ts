import type { Topology } from '@bazaar/contracts';
import { watchCommits } from '@bazaar/db';
import type { ChannelModel } from 'amqplib';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { BrokerConnection } from './broker-connection.js';
import { Consumer } from './consumer.js';
import type { EventHandlers, SubscriptionSettings } from './subscription.js';
import { silentLogger, type Logger } from './logger.js';
import { InboxPruner, type InboxSettings } from './inbox.js';
import { createMessagingMetrics } from './metrics.js';
import { NotificationListener } from './notification-listener.js';
import { Publisher } from './publisher.js';
import { OutboxRelay, type RelaySettings } from './relay.js';
import { OUTBOX_CHANNEL, OUTBOX_TABLE, type MessagingTables } from './tables.js';
import { declareExchanges, declareSubscriptionQueues, exchangeNames } from './topology.js';

export interface MessagingOptions<DB> {
  /** AMQP URL (`amqp://guest:guest@127.0.0.1:5672`). */
  url: string;
  /** This service's name: the `source` of the events it publishes. */
  service: string;
  /** The service's database, holding `outbox_events` and `inbox_messages`. */
  db: Kysely<DB>;
  /**
   * The same database's URL, for the relay's `LISTEN` connection: events leave right after
   * their commit. Without it the relay finds them by polling (`pollIntervalMs`).
   */
  databaseUrl?: string;
  logger?: Logger;
  /** The app's prom-client registry (`app.metrics`); a private one when absent. */
  metrics?: Registry;
  /** Prefix of every exchange and queue name: `''` in production, unique per test file. */
  namespace?: string;
  /** Publish the outbox (default true); false for a process that only consumes. */
  relay?: boolean;
  /** Outbox relay tuning; defaults suit production. */
  relaySettings?: Partial<RelaySettings>;
  /** Inbox pruning (by a process that consumes); defaults suit production. */
  inboxSettings?: Partial<InboxSettings>;
  /** Defaults for every subscription (each `subscribe` may override). */
  subscriptionDefaults?: Partial<SubscriptionSettings>;
  /** How long `stop()` waits for in-flight handlers. */
  stopTimeoutMs?: number;
  /**
   * The system's declared topology (`TOPOLOGY` of `@bazaar/contracts` in every service): every
   * subscription's queue, dead-letter queue and bindings are declared on every connection,
   * before anything is published, so no event waits on its consumer having run once; this
   * process's `subscribe` calls must match its entries for `service`; and consumers accept an
   * event only from the declared publisher of its type. Without it (library tests), each
   * consumer declares only its own queues and any publisher is accepted.
   */
  topology?: Topology;
}

export interface Messaging<DB> {
  /**
   * Declares a subscription: a durable quorum queue `<namespace><queue>` bound to the handlers'
   * event types. Call before `start()`, all of a service's subscriptions in one place
   * (`src/events/subscriptions.ts`).
   */
  subscribe(
    queue: string,
    handlers: EventHandlers<DB>,
    settings?: Partial<SubscriptionSettings>,
  ): void;
  /** Connects (retrying until the broker answers), declares the topology, starts relay and consumers. */
  start(): Promise<void>;
  /** Cancels consumers, waits for in-flight handlers, stops the relay, closes the connection. */
  stop(): Promise<void>;
  /**
   * Resolves when the broker connection and every channel are up, throws otherwise (the same
   * state as the `messaging_broker_connected` gauge). Not a readiness check: see the README.
   */
  check(): Promise<void>;
  /** The relay, for tests and tools (`relayOnce`, `prune`, `backlog`). */
  readonly relay: OutboxRelay | undefined;
  /** The consumers' inbox pruning, for tests and tools (`prune`). */
  readonly inbox: InboxPruner;
}

const DEFAULT_RELAY: RelaySettings = {
  batchSize: 200,
  pollIntervalMs: 1000,
  retentionMs: 7 * 24 * 3600_000,
  pruneIntervalMs: 3600_000,
  claimTimeoutMs: 60_000,
};

const DEFAULT_INBOX: InboxSettings = {
  retentionMs: 14 * 24 * 3600_000,
  pruneIntervalMs: 3600_000,
};

const DEFAULT_SUBSCRIPTION: SubscriptionSettings = {
  prefetch: 128,
  batchSize: 64,
  lanes: 1,
  retryDelaysMs: [1000, 5000, 30_000, 120_000],
  deliveryLimit: 10,
};

/**
 * The messaging of one service process: its broker connection, outbox relay and consumers.
 * See the package README for the guarantees.
 */
export function createMessaging<DB>(options: MessagingOptions<DB>): Messaging<DB> {
  const logger = options.logger ?? silentLogger;
  const namespace = options.namespace ?? '';
  const db = options.db as unknown as Kysely<MessagingTables>;
  const connection = new BrokerConnection({
    url: options.url,
    name: `${options.service} (${process.pid})`,
    logger,
  });
  const consumers: Array<Consumer<DB>> = [];
  let started = false;

  const topology = options.topology;
  // Exchanges and the declared topology first on every connection, before the relay publishes
  // (they may have been lost with the broker); each consumer declares its own queues again
  // when its channel opens, so a queue deleted under it comes back too.
  connection.add({
    async attach(model: ChannelModel) {
      const channel = await model.createChannel();
      try {
        await declareExchanges(channel, namespace);
        for (const [queue, declaration] of Object.entries(topology?.subscriptions ?? {})) {
          await declareSubscriptionQueues(channel, namespace, {
            queue,
            eventTypes: declaration.types,
            deliveryLimit: declaration.deliveryLimit ?? DEFAULT_SUBSCRIPTION.deliveryLimit,
          });
        }
      } finally {
        await channel.close().catch(() => undefined);
      }
    },
    detach: () => undefined,
  });

  const relaySettings = { ...DEFAULT_RELAY, ...options.relaySettings };
  // A confirm must come (or time out) well before the claim's lease runs out.
  const publisher = new Publisher(
    connection,
    logger,
    Math.min(30_000, relaySettings.claimTimeoutMs / 2),
  );
  connection.add(publisher);

  if (options.databaseUrl && !options.relaySettings?.pollIntervalMs) {
    relaySettings.pollIntervalMs = 5000;
  }
  let relay: OutboxRelay | undefined;
  /** What is down on the broker side, or undefined when everything is open. */
  const brokerProblem = (): string | undefined => {
    if (!connection.isOpen) return 'message broker not connected';
    if (!publisher.ready) return 'publisher channel not open';
    const down = consumers.filter((c) => !c.ready).map((c) => c.queue);
    return down.length ? `consumer channels not open: ${down.join(', ')}` : undefined;
  };
  const metrics = createMessagingMetrics(
    options.metrics ?? new Registry(),
    () => (relay ? relay.backlog() : Promise.resolve(0)),
    async () => {
      const depths = await Promise.all(
        consumers.map(async (c) => [c.queue, await c.deadLetterDepth().catch(() => undefined)]),
      );
      return Object.fromEntries(depths.filter(([, depth]) => depth !== undefined));
    },
    () => brokerProblem() === undefined,
  );
  if (options.relay !== false) {
    relay = new OutboxRelay({
      db,
      connection,
      publisher,
      exchange: exchangeNames(namespace).events,
      source: options.service,
      settings: relaySettings,
      logger,
      metrics,
    });
  }
  const inbox = new InboxPruner(db, { ...DEFAULT_INBOX, ...options.inboxSettings }, logger);
  /** Stops waking the relay after this process's own commits. */
  let unwatch: (() => void) | undefined;
  // Rows other processes commit (another replica, a tool) wake it by notification.
  const listener =
    relay && options.databaseUrl
      ? new NotificationListener({
          url: options.databaseUrl,
          channel: OUTBOX_CHANNEL,
          applicationName: 'outbox-listener',
          name: 'outbox listener',
          logger,
          onNotify: () => relay.wake(),
          // Rows may have been committed while not listening.
          onListening: () => relay.wake(),
        })
      : undefined;

  return {
    relay,
    inbox,

    subscribe(queue, handlers, settings) {
      if (started)
        throw new Error(`subscribe(${queue}) after start(): declare subscriptions first`);
      if (consumers.some((c) => c.queue === queue)) {
        throw new Error(`queue ${queue} is subscribed twice`);
      }
      if (Object.keys(handlers).length === 0) throw new Error(`queue ${queue} has no handlers`);
      const resolved = { ...DEFAULT_SUBSCRIPTION, ...options.subscriptionDefaults, ...settings };
      if (resolved.lanes > 1 && !resolved.laneKey) {
        throw new Error(`queue ${queue} has ${resolved.lanes} lanes but no laneKey`);
      }
      if (topology) checkDeclared(topology, options.service, queue, handlers, resolved);
      const consumer = new Consumer({
        db: options.db,
        connection,
        namespace,
        queue,
        handlers,
        settings: resolved,
        logger,
        metrics,
        publishers: topology?.publishers,
      });
      consumers.push(consumer);
      connection.add(consumer);
    },

    async start() {
      if (started) return;
      started = true;
      await connection.connect();
      // stop() while still connecting: stay stopped.
      if (connection.isStopped) return;
      relay?.start();
      // Rows this process commits wake its relay at once, and their trigger does not NOTIFY.
      if (relay) unwatch = watchCommits(options.db, OUTBOX_TABLE, () => relay.wake());
      void listener?.start();
      if (consumers.length) inbox.start();
      logger.info(
        { service: options.service, queues: consumers.map((c) => c.queue) },
        'messaging started',
      );
    },

    async stop() {
      const timeout = options.stopTimeoutMs ?? 10_000;
      await Promise.all(consumers.map((consumer) => consumer.stop(timeout)));
      inbox.stop();
      unwatch?.();
      await listener?.stop();
      await relay?.stop();
      await publisher.close();
      await connection.close();
    },

    async check() {
      const problem = brokerProblem();
      if (problem) throw new Error(problem);
    },
  };
}

/**
 * A subscription must be the one the topology declares for this service, with exactly its
 * types: every other service declares (and routes into) the queue as the topology says, so a
 * difference would lose events or refuse the queue's arguments.
 */
function checkDeclared(
  topology: Topology,
  service: string,
  queue: string,
  handlers: object,
  settings: SubscriptionSettings,
): void {
  const declaration = topology.subscriptions[queue];
  const where = 'SUBSCRIPTIONS of @bazaar/contracts';
  if (!declaration) throw new Error(`queue ${queue} is not declared in ${where}`);
  if (declaration.service !== service) {
    throw new Error(`queue ${queue} belongs to ${declaration.service} in ${where}, not ${service}`);
  }
  const handled = Object.keys(handlers).sort();
  const declared = [...declaration.types].sort();
  if (handled.join() !== declared.join()) {
    throw new Error(
      `queue ${queue} handles ${handled.join(', ')} but ${where} binds it to ${declared.join(', ')}`,
    );
  }
  const limit = declaration.deliveryLimit ?? DEFAULT_SUBSCRIPTION.deliveryLimit;
  if (settings.deliveryLimit !== limit) {
    throw new Error(`queue ${queue} has deliveryLimit ${limit} in ${where}`);
  }
}
