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

export async function isOrderCancelled(db: Kysely<Database>, orderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('cancelled_orders')
    .select('order_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row !== undefined;
}
