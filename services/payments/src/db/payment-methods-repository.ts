import type { Kysely } from 'kysely';
import type { Database, NewPaymentMethod, PaymentMethodRow } from './database.js';

/**
 * Inserts a method; with an idempotency key already used by this shopper, inserts nothing and
 * returns the method stored under it (the first of two racing attempts wins: the unique index
 * on `(user_id, idempotency_key)` decides).
 */
export async function insertPaymentMethod(
  db: Kysely<Database>,
  method: NewPaymentMethod,
): Promise<PaymentMethodRow> {
  const inserted = await db
    .insertInto('payment_methods')
    .values(method)
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'idempotency_key'])
        .where('idempotency_key', 'is not', null)
        .doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  const kept = await findPaymentMethodByKey(db, method.user_id, method.idempotency_key!);
  if (!kept) throw new Error('a payment method conflicted on its key but none is stored under it');
  return kept;
}

export async function findPaymentMethod(
  db: Kysely<Database>,
  id: string,
): Promise<PaymentMethodRow | undefined> {
  return db.selectFrom('payment_methods').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The shopper's method created with this Idempotency-Key, if any. */
export async function findPaymentMethodByKey(
  db: Kysely<Database>,
  userId: string,
  idempotencyKey: string,
): Promise<PaymentMethodRow | undefined> {
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}
