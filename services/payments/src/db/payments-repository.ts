import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database, NewPayment, PaymentRow, PaymentsTable } from './database.js';

/**
 * Serializes everything payments does for one order (authorize, void, refund, capture) across
 * transactions and replicas: a transaction-scoped advisory lock keyed by the order id.
 */
export async function lockOrder(trx: Kysely<Database>, orderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${orderId}, 0))`.execute(trx);
}

export async function findPaymentByOrder(
  db: Kysely<Database>,
  orderId: string,
): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function findPaymentByReference(
  db: Kysely<Database>,
  provider: string,
  reference: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('provider', '=', provider)
    .where('provider_reference', '=', reference)
    .executeTakeFirst();
}

export async function insertPayment(
  trx: Kysely<Database>,
  payment: NewPayment,
): Promise<PaymentRow> {
  return trx.insertInto('payments').values(payment).returningAll().executeTakeFirstOrThrow();
}

export async function updatePayment(
  trx: Kysely<Database>,
  id: string,
  changes: Omit<Updateable<PaymentsTable>, 'id' | 'updated_at'>,
): Promise<PaymentRow> {
  return trx
    .updateTable('payments')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listPaymentsOfOrder(
  db: Kysely<Database>,
  orderId: string,
): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}
