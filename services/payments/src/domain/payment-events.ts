import type { EventData } from '@bazaar/contracts';
import { writeEvent } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/*
 * Every event payments publishes, each written by a function named for the fact it records, to
 * the outbox in the transaction that made the change (the relay publishes it after commit).
 * Event data carries ids and amounts, never card data.
 */

export async function writePaymentAuthorized(
  trx: Kysely<Database>,
  data: EventData<'payment.authorized'>,
): Promise<void> {
  await writeEvent(trx, { type: 'payment.authorized', data });
}

export async function writePaymentFailed(
  trx: Kysely<Database>,
  data: EventData<'payment.failed'>,
): Promise<void> {
  await writeEvent(trx, { type: 'payment.failed', data });
}

export async function writePaymentRefunded(
  trx: Kysely<Database>,
  data: EventData<'payment.refunded'>,
): Promise<void> {
  await writeEvent(trx, { type: 'payment.refunded', data });
}

export async function writePaymentCaptureFailed(
  trx: Kysely<Database>,
  data: EventData<'payment.capture_failed'>,
): Promise<void> {
  await writeEvent(trx, { type: 'payment.capture_failed', data });
}
