import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** Remembers a cancelled order; a second cancel of the same order changes nothing. */
export async function recordCancelledOrder(
  trx: Kysely<Database>,
  orderId: string,
  reason: string,
): Promise<void> {
  await trx
    .insertInto('cancelled_orders')
    .values({ order_id: orderId, reason })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
}
