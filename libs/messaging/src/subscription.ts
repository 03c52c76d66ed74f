import type { EventEnvelope, EventType } from '@bazaar/contracts';
import type { Transaction } from 'kysely';

/** Handles one event inside the transaction that also records it in the inbox. */
export type EventHandler<DB, T extends EventType = EventType> = (
  event: EventEnvelope<T>,
  trx: Transaction<DB>,
) => Promise<void>;

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
