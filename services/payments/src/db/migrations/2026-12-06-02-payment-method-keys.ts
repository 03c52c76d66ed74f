import { sql, type Kysely } from 'kysely';

/**
 * The Idempotency-Key a payment method was created with, unique per shopper: a retried
 * `POST /internal/payment-methods` (or a replayed one-step checkout) gets the method it got
 * the first time instead of a second one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payment_methods').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('payment_methods_user_id_idempotency_key')
    .on('payment_methods')
    .columns(['user_id', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payment_methods_user_id_idempotency_key').execute();
  await db.schema.alterTable('payment_methods').dropColumn('idempotency_key').execute();
}
