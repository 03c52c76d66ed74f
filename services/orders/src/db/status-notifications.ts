import { sql, type Transaction } from 'kysely';
import type { Database } from './database.js';

/** The Postgres channel every status change is announced on (payload: the order id). */
export const ORDER_STATUS_CHANNEL = 'orders_status_changed';

/**
 * Announces an order's status change to every replica listening (SSE streams). NOTIFY is
 * transactional: it is delivered at commit, never for a change that rolled back.
 */
export async function notifyStatusChange(
  trx: Transaction<Database>,
  orderId: string,
): Promise<void> {
  await sql`select pg_notify(${ORDER_STATUS_CHANNEL}, ${orderId})`.execute(trx);
}
