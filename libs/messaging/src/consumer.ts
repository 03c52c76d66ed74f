import { validateEnvelope, type EventEnvelope, type EventType } from '@bazaar/contracts';
import { context, trace } from '@opentelemetry/api';
import type { ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Kysely, Transaction } from 'kysely';
import {
  ManagedChannel,
  type BrokerConnection,
  type ConnectionParticipant,
} from './broker-connection.js';
import { UnroutableError } from './errors.js';
import type { Logger } from './logger.js';
import type { MessagingMetrics } from './metrics.js';
import type { MessagingTables } from './tables.js';
import {
  declareRetryQueues,
  declareSubscriptionQueues,
  exchangeNames,
  queueNames,
} from './topology.js';
import { contextFrom, endSpan, eventIdAttributes, startProcessSpan } from './tracing.js';

/** Handles one event inside the transaction that also records it in the inbox. */
export type EventHandler<DB, T extends EventType = EventType> = (
  event: EventEnvelope<T>,
  trx: Transaction<DB>,
) => Promise<void>;

/** A subscription's handlers by event type; the queue is bound to exactly these types. */
export type EventHandlers<DB> = { [T in EventType]?: EventHandler<DB, T> };

export interface SubscriptionSettings {
  /** Deliveries handled at once (unacknowledged messages the broker hands this consumer). */
  prefetch: number;
  /** Waits between attempts of a failing handler; their count is the number of retries. */
  retryDelaysMs: number[];
  /** The quorum queue's `x-delivery-limit`: redeliveries (crashes, lost channels) before the DLQ. */
  deliveryLimit: number;
}

/** Why a message went to the dead-letter queue. */
export type DeadLetterKind = 'invalid' | 'forbidden' | 'unhandled' | 'permanent' | 'exhausted';

/** Headers this library sets; a DLQ message says why it is there. */
export const HEADERS = {
  attempts: 'x-bazaar-attempts',
  lastError: 'x-bazaar-last-error',
  deadLetterKind: 'x-bazaar-dead-letter-kind',
  deadLetterReason: 'x-bazaar-dead-letter-reason',
  deadLetteredAt: 'x-bazaar-dead-lettered-at',
  queue: 'x-bazaar-queue',
} as const;

function isPermanent(error: unknown): boolean {
  return error instanceof Error && error.name === 'PermanentError';
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

/**
 * Consumes one subscription's quorum queue with manual acks and a bounded prefetch. Each
 * delivery runs in one database transaction: the inbox row (queue, message id) first — a
 * message seen before does nothing — then the handler; the ack follows the commit. A failing
 * handler's message is republished to the next delayed retry queue, then dead-lettered; an
 * invalid one is dead-lettered at once, with the reason in its headers.
 */
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

export class Consumer<DB> implements ConnectionParticipant {
  private readonly managed: ManagedChannel<ConfirmChannel>;
  private consumerTag: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private cancelled = false;
  // Filled by `basic.return` (sent before the confirm of the same message): a retry or
  // dead-letter republish that reached no queue.
  private returned = new Set<string>();
  readonly names: ReturnType<typeof queueNames>;
  private readonly exchanges: ReturnType<typeof exchangeNames>;

  private readonly db: Kysely<DB>;
  private readonly namespace: string;
  readonly queue: string;
  private readonly handlers: EventHandlers<DB>;
  readonly settings: SubscriptionSettings;
  private readonly logger: Logger;
  private readonly metrics: MessagingMetrics;
  private readonly publishers?: Readonly<Partial<Record<string, string>>>;

  constructor(options: ConsumerOptions<DB>) {
    const { connection, namespace, queue, settings, logger } = options;
    this.db = options.db;
    this.namespace = namespace;
    this.queue = queue;
    this.handlers = options.handlers;
    this.settings = settings;
    this.logger = logger;
    this.metrics = options.metrics;
    this.publishers = options.publishers;
    this.names = queueNames(namespace, queue, settings.retryDelaysMs);
    this.exchanges = exchangeNames(namespace);
    this.managed = new ManagedChannel(
      connection,
      `consumer ${queue}`,
      logger,
      (model) => model.createConfirmChannel(),
      (channel) => this.consume(channel),
    );
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
    this.returned = new Set();
    channel.on('return', (message: ConsumeMessage) => {
      const id = message.properties.messageId as string | undefined;
      if (id) this.returned.add(id);
    });
    await declareSubscriptionQueues(channel, this.namespace, {
      queue: this.queue,
      eventTypes: this.eventTypes,
      deliveryLimit: this.settings.deliveryLimit,
    });
    await declareRetryQueues(channel, this.namespace, this.queue, this.settings.retryDelaysMs);
    await channel.prefetch(this.settings.prefetch);
    const { consumerTag } = await channel.consume(
      this.names.main,
      (message) => {
        if (!message) {
          // The broker cancelled us (the queue was deleted): start the channel over.
          this.logger.warn({ queue: this.queue }, 'consumer cancelled by the broker');
          void channel.close().catch(() => undefined);
          return;
        }
        const work = this.handle(channel, message);
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

  private async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
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
    try {
      await context.with(trace.setSpan(parent, span), () => this.process(channel, message));
      endSpan(span);
    } catch (error) {
      endSpan(span, error);
      // Neither acked nor safely handed on (a republish not confirmed or returned, a database
      // error before the handler): closing the channel returns every unacked message to the
      // queue, and reopening it redeclares the topology (a deleted retry or dead-letter queue
      // comes back) before the redelivery.
      this.logger.error(
        { err: error, queue: this.queue },
        'message handling failed; reopening the channel',
      );
      void channel.close().catch(() => undefined);
    }
  }

  private async process(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    let envelope: unknown;
    try {
      envelope = JSON.parse(message.content.toString('utf8'));
    } catch {
      return this.deadLetter(channel, message, 'invalid', 'the body is not JSON');
    }
    const problems = validateEnvelope(envelope);
    if (problems.length) {
      return this.deadLetter(channel, message, 'invalid', problems.join('; '));
    }
    const event = envelope as EventEnvelope;
    trace.getActiveSpan()?.setAttributes(eventIdAttributes(event.data));
    const forbidden = this.forbidden(event, message);
    if (forbidden) return this.deadLetter(channel, message, 'forbidden', forbidden);
    const handler = this.handlers[event.type] as EventHandler<DB> | undefined;
    if (!handler) {
      return this.deadLetter(
        channel,
        message,
        'unhandled',
        `${this.queue} has no handler for ${event.type}`,
      );
    }
    let duplicate = false;
    try {
      await this.db.transaction().execute(async (trx) => {
        const inserted = await (trx as unknown as Transaction<MessagingTables>)
          .insertInto('inbox_messages')
          .values({ queue: this.queue, message_id: event.id, type: event.type })
          .onConflict((conflict) => conflict.doNothing())
          .returning('message_id')
          .executeTakeFirst();
        if (!inserted) {
          duplicate = true;
          return;
        }
        await handler(event, trx);
      });
    } catch (error) {
      if (isPermanent(error)) {
        return this.deadLetter(channel, message, 'permanent', errorText(error));
      }
      return this.retry(channel, message, event, error);
    }
    this.ack(channel, message);
    if (duplicate) {
      this.metrics.duplicates.inc({ queue: this.queue });
      this.logger.debug({ eventId: event.id, queue: this.queue }, 'duplicate message ignored');
    } else {
      this.metrics.consumed.inc({ queue: this.queue, type: event.type });
    }
  }

  /**
   * Why this service must not believe the event's publisher, or undefined: its `source` is not
   * the declared publisher of its type, or the AMQP `appId` or routing key say otherwise than
   * its envelope (a publisher allowed one routing key carrying another type).
   */
  private forbidden(event: EventEnvelope, message: ConsumeMessage): string | undefined {
    const expected = this.publishers?.[event.type];
    if (this.publishers && event.source !== expected) {
      return `${event.type} may come only from ${expected ?? 'nobody'}, not from ${event.source}`;
    }
    const appId = message.properties.appId as string | undefined;
    if (appId !== undefined && appId !== event.source) {
      return `published by ${appId} as ${event.source}`;
    }
    if (
      message.fields.exchange === this.exchanges.events &&
      message.fields.routingKey !== event.type
    ) {
      return `${event.type} published under routing key ${message.fields.routingKey}`;
    }
    return undefined;
  }

  private async retry(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    event: EventEnvelope,
    error: unknown,
  ): Promise<void> {
    const headers = message.properties.headers ?? {};
    const failures = Number(headers[HEADERS.attempts] ?? 0) + 1;
    const delays = this.settings.retryDelaysMs;
    if (failures > delays.length) {
      return this.deadLetter(
        channel,
        message,
        'exhausted',
        `failed ${failures} times; last: ${errorText(error)}`,
      );
    }
    const retryQueue = this.names.retries[failures - 1]!;
    this.logger.warn(
      {
        err: error,
        eventId: event.id,
        type: event.type,
        queue: this.queue,
        attempt: failures,
        retryInMs: delays[failures - 1],
      },
      'handler failed; retrying later',
    );
    // Into the attempt's retry queue through the retries exchange (no write on the default
    // exchange needed); it dead-letters back into the main queue after its TTL.
    await this.republish(channel, message, this.exchanges.retries, retryQueue, {
      [HEADERS.attempts]: failures,
      [HEADERS.lastError]: errorText(error),
    });
    this.metrics.retried.inc({ queue: this.queue });
  }

  private async deadLetter(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    kind: DeadLetterKind,
    reason: string,
  ): Promise<void> {
    this.logger.error(
      { messageId: message.properties.messageId, queue: this.queue, kind, reason },
      'message dead-lettered',
    );
    await this.republish(channel, message, this.exchanges.deadLetters, this.names.deadLetter, {
      [HEADERS.deadLetterKind]: kind,
      [HEADERS.deadLetterReason]: reason,
      [HEADERS.deadLetteredAt]: new Date().toISOString(),
      [HEADERS.queue]: this.queue,
    });
    this.metrics.deadLettered.inc({ queue: this.queue, reason: kind });
  }

  /**
   * Publishes a copy with extra headers, `mandatory`, waits for its confirm, then acks the
   * original. A copy that reached no queue (returned) or was not confirmed throws: the original
   * is not acked and comes back.
   */
  private async republish(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    exchange: string,
    routingKey: string,
    extraHeaders: Record<string, unknown>,
  ): Promise<void> {
    const { properties } = message;
    const options: Options.Publish = {
      messageId: properties.messageId,
      type: properties.type,
      appId: properties.appId,
      contentType: properties.contentType,
      timestamp: properties.timestamp,
      persistent: true,
      mandatory: true,
      headers: { ...stripBrokerHeaders(properties.headers), ...extraHeaders },
    };
    const id = String(properties.messageId ?? '');
    await new Promise<void>((resolve, reject) => {
      try {
        channel.publish(exchange, routingKey, message.content, options, (error: unknown) => {
          const returned = this.returned.delete(id);
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else if (returned) reject(new UnroutableError(routingKey, 'NO_ROUTE'));
          else resolve();
        });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.ack(channel, message);
  }

  private ack(channel: ConfirmChannel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch (error) {
      // The channel closed after the commit: the broker redelivers, the inbox absorbs it.
      this.logger.warn(
        { err: error, queue: this.queue },
        'ack failed; message will be redelivered',
      );
    }
  }
}

/** Headers the broker adds (`x-death`, delivery counts) are not carried into a copy. */
function stripBrokerHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key === 'x-death' || key.startsWith('x-first-death') || key === 'x-delivery-count')
      continue;
    copy[key] = value;
  }
  return copy;
}
