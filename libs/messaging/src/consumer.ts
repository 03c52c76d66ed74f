import type { EventType } from '@bazaar/contracts';
import { context, trace, type Context, type Span } from '@opentelemetry/api';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Kysely, Transaction } from 'kysely';
import {
  ManagedChannel,
  type BrokerConnection,
  type ConnectionParticipant,
} from './broker-connection.js';
import { readDelivery, type Accepted, type DeliveryRules, type Refused } from './delivery.js';
import { recordInbox } from './inbox.js';
import { Acks, DeliveryLanes } from './lanes.js';
import type { Logger } from './logger.js';
import type { MessagingMetrics } from './metrics.js';
import { Redelivery } from './redelivery.js';
import {
  AfterCommit,
  errorText,
  isPermanent,
  type EventHandlers,
  type SubscriptionSettings,
} from './subscription.js';
import type { MessagingTables } from './tables.js';
import {
  declareRetryQueues,
  declareSubscriptionQueues,
  exchangeNames,
  queueNames,
} from './topology.js';
import { contextFrom, endSpan, eventIdAttributes, startProcessSpan } from './tracing.js';

/** What a `Consumer` works with. */
export interface ConsumerOptions<DB> {
  db: Kysely<DB>;
  connection: BrokerConnection;
  /** The broker namespace its queue and exchanges are named in. */
  namespace: string;
  queue: string;
  handlers: EventHandlers<DB>;
  settings: SubscriptionSettings;
  logger: Logger;
  metrics: MessagingMetrics;
  /** Who may publish each type (the envelope's `source`); any source when absent. */
  publishers?: Readonly<Partial<Record<string, string>>>;
}

/** A delivery being handled: its `process` span and the trace context its handler runs in. */
interface InHand {
  message: ConsumeMessage;
  span: Span;
  context: Context;
}

type Applicable<DB> = InHand & Accepted<DB>;

/** A delivery as read on arrival: to apply, or refused (dead-lettered at its turn). */
type Received<DB> = InHand & (Accepted<DB> | Refused);

/** One channel's deliveries: their lanes and their acknowledgements. */
interface Deliveries<DB> {
  channel: ConfirmChannel;
  lanes: DeliveryLanes<Received<DB>>;
  acks: Acks<ConsumeMessage>;
}

/**
 * Consumes one subscription's quorum queue with manual acks and a bounded prefetch, applying
 * what prefetch delivered in batches: one database transaction writes the inbox rows of a batch
 * (a message seen before does nothing) and runs each message's handler in turn, each in its own
 * trace; the acks follow the commit. With several lanes (`settings.lanes`), deliveries are
 * split by their `laneKey` and each lane applies its batches while the others apply theirs:
 * deliveries with the same key keep their delivery order. A batch of one whose handler has an `alone` form is applied
 * by that one statement instead, when it can be (see `EventHandler`). When a batch's transaction
 * fails, its messages are applied again one by one, each in its own transaction, so a failing
 * message is retried (the next delayed retry queue, then the dead-letter queue) alone while its
 * batch-mates commit. An invalid message is dead-lettered at once, with the reason in its
 * headers. A handler's `afterCommit` calls are made once its writes committed (see `Handling`).
 */
export class Consumer<DB> implements ConnectionParticipant {
  private readonly managed: ManagedChannel<ConfirmChannel>;
  private consumerTag: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private cancelled = false;
  readonly names: ReturnType<typeof queueNames>;
  private readonly exchanges: ReturnType<typeof exchangeNames>;
  private readonly redelivery: Redelivery;
  private readonly rules: DeliveryRules<DB>;

  private readonly db: Kysely<DB>;
  private readonly namespace: string;
  readonly queue: string;
  private readonly handlers: EventHandlers<DB>;
  readonly settings: SubscriptionSettings;
  private readonly logger: Logger;
  private readonly metrics: MessagingMetrics;

  constructor(options: ConsumerOptions<DB>) {
    const { connection, namespace, queue, settings, logger } = options;
    this.db = options.db;
    this.namespace = namespace;
    this.queue = queue;
    this.handlers = options.handlers;
    this.settings = settings;
    this.logger = logger;
    this.metrics = options.metrics;
    this.names = queueNames(namespace, queue, settings.retryDelaysMs);
    this.exchanges = exchangeNames(namespace);
    this.rules = {
      queue,
      handlers: options.handlers,
      eventsExchange: this.exchanges.events,
      publishers: options.publishers,
    };
    this.redelivery = new Redelivery({
      queue,
      names: this.names,
      exchanges: this.exchanges,
      settings,
      logger,
      metrics: this.metrics,
    });
    this.managed = new ManagedChannel({
      connection,
      label: `consumer ${queue}`,
      logger,
      open: (model) => model.createConfirmChannel(),
      setup: (channel) => this.consume(channel),
    });
  }

  get eventTypes(): EventType[] {
    return Object.keys(this.handlers) as EventType[];
  }

  get ready(): boolean {
    return this.managed.current !== undefined;
  }

  attach(model: ChannelModel): Promise<void> {
    return this.managed.attach(model);
  }

  detach(): void {
    this.consumerTag = undefined;
    this.managed.detach();
  }

  private async consume(channel: ConfirmChannel): Promise<void> {
    if (this.cancelled) return;
    this.redelivery.watch(channel);
    await declareSubscriptionQueues(channel, this.namespace, {
      queue: this.queue,
      eventTypes: this.eventTypes,
      deliveryLimit: this.settings.deliveryLimit,
    });
    await declareRetryQueues(channel, this.namespace, this.queue, this.settings.retryDelaysMs);
    await channel.prefetch(this.settings.prefetch);
    const deliveries: Deliveries<DB> = {
      channel,
      lanes: new DeliveryLanes(this.settings.lanes, this.settings.batchSize, (batch) =>
        this.handleBatch(deliveries, batch),
      ),
      acks: new Acks((message, allUpTo) => this.redelivery.ack(channel, message, allUpTo)),
    };
    // Deliveries still waiting when the channel goes are redelivered by the broker.
    channel.on('close', () => deliveries.lanes.discard());
    const { consumerTag } = await channel.consume(
      this.names.main,
      (message) => {
        if (!message) {
          // The broker cancelled us (the queue was deleted): start the channel over.
          this.logger.warn({ queue: this.queue }, 'consumer cancelled by the broker');
          deliveries.lanes.discard();
          void channel.close().catch(() => undefined);
          return;
        }
        deliveries.acks.received(message);
        const received = this.receive(message);
        const key =
          'handler' in received && this.settings.laneKey
            ? this.settings.laneKey(received.event)
            : String(message.properties.messageId ?? message.fields.deliveryTag);
        const work = deliveries.lanes.push(received, key);
        if (!work) return;
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  /** Messages waiting in this subscription's dead-letter queue; undefined while its channel is down. */
  async deadLetterDepth(): Promise<number | undefined> {
    const channel = this.managed.current;
    if (!channel) return undefined;
    const { messageCount } = await channel.checkQueue(this.names.deadLetter);
    return messageCount;
  }

  /** Stops taking deliveries, waits for the ones in hand, closes the channel. */
  async stop(timeoutMs: number): Promise<void> {
    this.cancelled = true;
    const channel = this.managed.current;
    if (channel && this.consumerTag) {
      await channel.cancel(this.consumerTag).catch(() => undefined);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    await this.managed.close();
  }

  /**
   * A delivery as it arrives: its `process` span (a child of the trace its headers carry) and
   * what it is (an event this subscription applies, or refused and why).
   */
  private receive(message: ConsumeMessage): Received<DB> {
    const item = this.inHand(message);
    const read = readDelivery(message, this.rules);
    if (read.event) item.span.setAttributes(eventIdAttributes(read.event.data));
    return { ...item, ...read };
  }

  /** One batch of a lane, in delivery order: refused deliveries are dead-lettered, the rest applied. */
  private async handleBatch(deliveries: Deliveries<DB>, batch: Array<Received<DB>>): Promise<void> {
    const { channel, acks } = deliveries;
    const open = new Set<Span>(batch.map((item) => item.span));
    try {
      const applicable: Array<Applicable<DB>> = [];
      for (const item of batch) {
        if ('kind' in item) {
          await context.with(item.context, () =>
            this.redelivery.deadLetter(channel, item.message, item.kind, item.reason),
          );
          acks.forget(item.message);
          endSpan(item.span);
          open.delete(item.span);
        } else {
          applicable.push(item);
        }
      }
      await this.apply(deliveries, applicable, open);
    } catch (error) {
      for (const span of open) endSpan(span, error);
      // Neither acked nor safely handed on (a republish not confirmed or returned): closing the
      // channel returns every unacked message to the queue, and reopening it redeclares the
      // topology (a deleted retry or dead-letter queue comes back) before the redelivery.
      this.logger.error(
        { err: error, queue: this.queue },
        'message handling failed; reopening the channel',
      );
      deliveries.lanes.discard();
      void channel.close().catch(() => undefined);
    }
  }

  private inHand(message: ConsumeMessage): InHand {
    const parent = contextFrom(message.properties.headers);
    const span = startProcessSpan(parent, {
      exchange: this.exchanges.events,
      queue: this.names.main,
      routingKey: String(message.properties.type ?? message.fields.routingKey),
      messageId: String(message.properties.messageId ?? ''),
      size: message.content.length,
      deliveryTag: message.fields.deliveryTag,
      redelivered: message.fields.redelivered,
    });
    return { message, span, context: trace.setSpan(parent, span) };
  }

  /**
   * Applies the batch in one transaction; when that fails (a handler threw, a conflict, the
   * commit), applies each message alone, so only the failing one is retried.
   */
  private async apply(
    deliveries: Deliveries<DB>,
    batch: Array<Applicable<DB>>,
    open: Set<Span>,
  ): Promise<void> {
    if (batch.length === 0) return;
    if (batch.length > 1) {
      let applied: Set<Applicable<DB>> | undefined;
      try {
        applied = await this.transact(batch);
      } catch (error) {
        this.logger.warn(
          { err: error, queue: this.queue, messages: batch.length },
          'batch failed; applying its messages one by one',
        );
        for (const item of batch) {
          item.span.addEvent('batch failed; applied alone', {
            'exception.message': errorText(error),
          });
        }
      }
      if (applied) {
        deliveries.acks.settle(batch.map((item) => item.message));
        for (const item of batch) this.settled(item, applied.has(item), open);
        return;
      }
    }
    if (batch.length === 1 && (await this.applyInOneStatement(deliveries, batch[0]!, open))) {
      return;
    }
    for (const item of batch) await this.applyAlone(deliveries, item, open);
  }

  /**
   * A delivery on its own whose handler has an `alone` form: that one statement, outside any
   * transaction. True when it applied the message (acked, settled); false when the handler could
   * not apply it so or the statement failed (nothing was written): it is applied as usual.
   */
  private async applyInOneStatement(
    deliveries: Deliveries<DB>,
    item: Applicable<DB>,
    open: Set<Span>,
  ): Promise<boolean> {
    const { alone } = item.handler;
    if (!alone) return false;
    const entry = { queue: this.queue, messageId: item.event.id, type: item.event.type };
    const handling = new AfterCommit(this.logger, this.queue);
    try {
      if (!(await context.with(item.context, () => alone(item.event, this.db, entry, handling)))) {
        return false;
      }
    } catch (error) {
      item.span.addEvent('one statement failed; applied in a transaction', {
        'exception.message': errorText(error),
      });
      return false;
    }
    handling.committed();
    deliveries.acks.settle([item.message]);
    this.settled(item, true, open);
    return true;
  }

  private async applyAlone(
    deliveries: Deliveries<DB>,
    item: Applicable<DB>,
    open: Set<Span>,
  ): Promise<void> {
    const { channel, acks } = deliveries;
    let applied: Set<Applicable<DB>>;
    try {
      applied = await this.transact([item]);
    } catch (error) {
      item.span.recordException(error instanceof Error ? error : new Error(String(error)));
      await context.with(item.context, () =>
        isPermanent(error)
          ? this.redelivery.deadLetter(channel, item.message, 'permanent', errorText(error))
          : this.redelivery.retry(channel, item.message, item.event, error),
      );
      acks.forget(item.message);
      endSpan(item.span);
      open.delete(item.span);
      return;
    }
    acks.settle([item.message]);
    this.settled(item, applied.has(item), open);
  }

  /**
   * One transaction: the batch's inbox rows in one statement, then each new message's handler
   * in its own trace context; once it committed, the handlers' after-commit calls. Returns the
   * messages whose handler ran (the others had been handled before, or are a second copy in
   * this batch).
   */
  private async transact(batch: Array<Applicable<DB>>): Promise<Set<Applicable<DB>>> {
    const handling = new AfterCommit(this.logger, this.queue);
    const applied = await context.with(batch[0]!.context, () =>
      this.db.transaction().execute(async (trx) => {
        const fresh = await recordInbox(
          trx as unknown as Transaction<MessagingTables>,
          this.queue,
          batch.map(({ event }) => event),
        );
        const applied = batch.filter((item) => fresh.delete(item.event.id));
        for (const wave of this.waves(applied)) {
          await this.applyWave(wave, trx as Transaction<DB>, handling);
        }
        return new Set(applied);
      }),
    );
    handling.committed();
    return applied;
  }

  /**
   * The batch's deliveries in waves that hold at most one delivery per key (`laneKey`): each
   * key's first in the first wave, its second in the second, and so on. Within a wave they may
   * be applied in any order, so a handler's `together` form may take its type's at once. Without
   * a key, every delivery is a wave of its own, in delivery order.
   */
  private waves(items: Array<Applicable<DB>>): Array<Array<Applicable<DB>>> {
    const { laneKey } = this.settings;
    if (!laneKey) return items.map((item) => [item]);
    const waves: Array<Array<Applicable<DB>>> = [];
    for (let rest = items; rest.length > 0;) {
      const keys = new Set<string>();
      const wave: Array<Applicable<DB>> = [];
      const later: Array<Applicable<DB>> = [];
      for (const item of rest) {
        const key = laneKey(item.event);
        if (keys.has(key)) later.push(item);
        else {
          keys.add(key);
          wave.push(item);
        }
      }
      waves.push(wave);
      rest = later;
    }
    return waves;
  }

  /**
   * One wave: each handler's deliveries, by its `together` form when it has one and there are
   * several, then the handler on each delivery that form left, in its own trace context.
   */
  private async applyWave(
    wave: Array<Applicable<DB>>,
    trx: Transaction<DB>,
    handling: AfterCommit,
  ): Promise<void> {
    const groups = new Map<Applicable<DB>['handler'], Array<Applicable<DB>>>();
    for (const item of wave) {
      const group = groups.get(item.handler);
      if (group) group.push(item);
      else groups.set(item.handler, [item]);
    }
    for (const [handler, group] of groups) {
      let left = group;
      if (handler.together && group.length > 1) {
        const delivered = group.map((item) => ({
          event: item.event,
          within: <R>(fn: () => R): R => context.with(item.context, fn),
        }));
        const ids = new Set(
          await context.with(group[0]!.context, () => handler.together!(delivered, trx, handling)),
        );
        left = group.filter((item) => ids.has(item.event.id));
      }
      for (const item of left) {
        await context.with(item.context, () => item.handler(item.event, trx, handling));
      }
    }
  }

  /** After the commit and the ack: counted, logged when it was a duplicate, its span ended. */
  private settled(item: Applicable<DB>, applied: boolean, open: Set<Span>): void {
    if (applied) {
      this.metrics.consumed.inc({ queue: this.queue, type: item.event.type });
    } else {
      this.metrics.duplicates.inc({ queue: this.queue });
      this.logger.debug({ eventId: item.event.id, queue: this.queue }, 'duplicate message ignored');
    }
    endSpan(item.span);
    open.delete(item.span);
  }
}
