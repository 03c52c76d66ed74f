import type { EventData } from '@bazaar/contracts';
import { writeEvent } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/*
 * The events payments writes from a consumer or a webhook, each written by a function named for
 * the fact it records, to the outbox in the transaction that made the change (the relay
 * publishes it after commit). The outcomes of provider operations (`payment.authorized`,
 * `payment.failed`, `payment.refunded` after a release) are added to the runner's batch instead
 * (`OperationPlan.write`), written in one insert for the transaction's outcomes, each in its
 * order's trace. Event data carries ids and amounts, never card data.
 */

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
