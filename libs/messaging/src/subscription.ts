import type { EventEnvelope, EventType } from '@bazaar/contracts';
import { context } from '@opentelemetry/api';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from './logger.js';

/**
 * Handles one event inside the transaction that also records it in the inbox.
 *
 * A handler may also have an `alone` form, for the usual case of a delivery that arrives on its
 * own (a batch of one: the rule at a low rate): ONE statement, outside any transaction (a
 * statement is atomic by itself: no BEGIN and COMMIT round trips), that applies the event and
 * writes its inbox row ({@link inboxInsertFrom}) only when it applies it. It returns false when
 * the event cannot be applied so (then it must have written nothing): the consumer runs the
 * handler in its transaction, as for any batch. When the statement fails (a duplicate's inbox
 * row conflicts with the first copy's), nothing was written either, and the same happens.
 */
export interface EventHandler<DB, T extends EventType = EventType> {
  (event: EventEnvelope<T>, trx: Transaction<DB>, handling: Handling): Promise<void>;
  alone?: (
    event: EventEnvelope<T>,
    db: Kysely<DB>,
    inbox: InboxEntry,
    handling: Handling,
  ) => Promise<boolean>;
  /**
   * The `together` form, for a batch that holds several deliveries of this type: applies them
   * at once in the batch's transaction (their inbox rows are written), say by one set-wise
   * statement instead of one per delivery. Returns the ids of the events it did not apply, having
   * written nothing for them: the consumer then runs the handler on each. It is only handed deliveries
   * with different keys (the subscription's `laneKey`), so one key's deliveries still take
   * effect in delivery order; a subscription without a `laneKey` never calls it.
   */
  together?: (
    deliveries: Array<Delivered<T>>,
    trx: Transaction<DB>,
    handling: Handling,
  ) => Promise<string[]>;
}

/** A delivery handed to a handler's `together` form. */
export interface Delivered<T extends EventType = EventType> {
  event: EventEnvelope<T>;
  /** Runs `fn` in the delivery's trace context: an outbox row built there carries its trace. */
  within<R>(fn: () => R): R;
}

/** What the consumer offers a handler beside its transaction. */
export interface Handling {
  /**
   * Calls `fn` once what the handler wrote is committed: after its batch's transaction commits,
   * or after its `alone` statement applied the message. Never when it was rolled back (a batch
   * that failed is applied again message by message: the handler runs again and asks again),
   * nor when the `alone` form declined or failed. For work this process does next with what it
   * just committed, say handing a new row to its worker without a database notification; a
   * process that stops between the commit and `fn` never calls it, so what `fn` starts must
   * also be found some other way (a poll). `fn` is called once, in the order asked, in the trace
   * context of the handler that asked; what it throws is logged and goes no further.
   */
  afterCommit(fn: () => void): void;
}

/** The `Handling` of one transaction or statement: its `afterCommit` calls, made by `committed`. */
export class AfterCommit implements Handling {
  private readonly calls: Array<() => void> = [];

  constructor(
    private readonly logger: Logger,
    private readonly queue: string,
  ) {}

  /** Bound: a handler may take it out of its `handling` (`{ afterCommit }`). */
  readonly afterCommit = (fn: () => void): void => {
    this.calls.push(context.bind(context.active(), fn));
  };

  /** The commit happened: calls each `fn` once, in order. */
  committed(): void {
    for (const call of this.calls.splice(0)) {
      try {
        call();
      } catch (error) {
        this.logger.warn({ err: error, queue: this.queue }, 'an after-commit call failed');
      }
    }
  }
}

/** The inbox row a handler's `alone` statement writes: this subscription handled this message. */
export interface InboxEntry {
  queue: string;
  messageId: string;
  type: string;
}

/** A subscription's handlers by event type; the queue is bound to exactly these types. */
export type EventHandlers<DB> = { [T in EventType]?: EventHandler<DB, T> };

export interface SubscriptionSettings {
  /** Deliveries the broker hands this consumer before any is acknowledged. */
  prefetch: number;
  /**
   * Most deliveries applied in one database transaction (their inbox rows and handlers); what
   * arrives while a batch runs forms the next one. Keep it below `prefetch` so the next batch
   * arrives while one is being applied.
   */
  batchSize: number;
  /**
   * Batches applied at once, each in its own transaction (1: one at a time). Deliveries are
   * split among the lanes by `laneKey`, so above 1 a `laneKey` is required.
   */
  lanes: number;
  /**
   * What keeps deliveries in order: those with the same key go to the same lane and are applied
   * in delivery order (say, the order an event is about). Others may be applied in any order,
   * which lets a batch's deliveries with different keys be applied together (`together`).
   */
  laneKey?: (event: EventEnvelope) => string;
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

export function isPermanent(error: unknown): boolean {
  return error instanceof Error && error.name === 'PermanentError';
}

/** An error as one line for a header or a log, at most 1,000 characters. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
