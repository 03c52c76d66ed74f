import type { EventData } from '@bazaar/contracts';
import { writeEvent } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/*
 * payments' outbox writes: each goes into the transaction that made the change, and the
 * messaging relay publishes it after commit. Event data carries ids and amounts, never card data.
 */

export function publishPaymentAuthorized(
  trx: Kysely<Database>,
  data: EventData<'payment.authorized'>,
): Promise<unknown> {
  return writeEvent(trx, { type: 'payment.authorized', data });
}

export function publishPaymentFailed(
  trx: Kysely<Database>,
  data: EventData<'payment.failed'>,
): Promise<unknown> {
  return writeEvent(trx, { type: 'payment.failed', data });
}

export function publishPaymentRefunded(
  trx: Kysely<Database>,
  data: EventData<'payment.refunded'>,
): Promise<unknown> {
  return writeEvent(trx, { type: 'payment.refunded', data });
}

export function publishPaymentCaptureFailed(
  trx: Kysely<Database>,
  data: EventData<'payment.capture_failed'>,
): Promise<unknown> {
  return writeEvent(trx, { type: 'payment.capture_failed', data });
}
