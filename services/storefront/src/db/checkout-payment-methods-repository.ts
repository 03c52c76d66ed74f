import type { Kysely } from 'kysely';
import type { CheckoutPaymentMethodRow, Database } from './database.js';

export type NewCheckoutPaymentMethod = Omit<CheckoutPaymentMethodRow, 'created_at'>;

export async function findCheckoutPaymentMethod(
  db: Kysely<Database>,
  userId: string,
  idempotencyKey: string,
): Promise<CheckoutPaymentMethodRow | undefined> {
  return db
    .selectFrom('checkout_payment_methods')
    .selectAll()
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

/**
 * Records the method of a key unless one is there already, and returns the one that counts:
 * of two concurrent checkouts with the same key, the first insert wins and both use its method.
 */
export async function claimCheckoutPaymentMethod(
  db: Kysely<Database>,
  row: NewCheckoutPaymentMethod,
): Promise<CheckoutPaymentMethodRow> {
  const inserted = await db
    .insertInto('checkout_payment_methods')
    .values(row)
    .onConflict((c) => c.columns(['user_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  const existing = await findCheckoutPaymentMethod(db, row.user_id, row.idempotency_key);
  if (!existing) throw new Error('checkout payment method vanished between insert and read');
  return existing;
}

/** Forgets keys older than `before` (orders keeps idempotency keys 24 h; this keeps them longer). */
export async function deleteCheckoutPaymentMethodsBefore(
  db: Kysely<Database>,
  before: Date,
): Promise<number> {
  const result = await db
    .deleteFrom('checkout_payment_methods')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
