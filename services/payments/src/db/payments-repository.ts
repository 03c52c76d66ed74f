import { sql, type Kysely, type Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type {
  Database,
  NewPayment,
  NewPaymentAttempt,
  PaymentRow,
  PaymentsTable,
} from './database.js';

/**
 * Serializes everything payments does for one order (authorize, void, refund, capture) across
 * transactions and replicas: a transaction-scoped advisory lock keyed by the order id.
 */
export async function lockOrder(trx: Kysely<Database>, orderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${orderId}, 0))`.execute(trx);
}

/**
 * {@link lockOrder} for several orders in one statement, in a fixed order (by id), so two
 * transactions locking overlapping orders this way queue instead of deadlocking.
 */
export async function lockOrders(
  trx: Kysely<Database>,
  orderIds: readonly string[],
): Promise<void> {
  if (orderIds.length === 0) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0))
              from (select distinct k from unnest(${[...orderIds]}::text[]) as k order by k) as sorted`.execute(
    trx,
  );
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

/** A payment to insert and its ledger rows. */
export interface NewPaymentWithAttempts {
  payment: NewPayment & { id: string };
  attempts: ReadonlyArray<Omit<NewPaymentAttempt, 'id' | 'payment_id'>>;
}

/**
 * Inserts payments and their ledger rows (each with a fresh UUIDv7 id, in the lists' order) in
 * one statement: the payments in a data-modifying CTE, the rows by their payment's id.
 */
export async function insertPaymentsWithAttempts(
  trx: Kysely<Database>,
  payments: readonly NewPaymentWithAttempts[],
): Promise<void> {
  if (payments.length === 0) return;
  const rows = payments.map(({ payment }) => payment);
  const attempts = payments.flatMap(({ payment, attempts }) =>
    attempts.map((attempt) => ({ id: uuidv7(), ...attempt, payment_id: payment.id })),
  );
  if (attempts.length === 0) {
    await trx.insertInto('payments').values(rows).execute();
    return;
  }
  await trx
    .with('payment', (db) => db.insertInto('payments').values(rows).returning('id'))
    .insertInto('payment_attempts')
    .values(attempts)
    .execute();
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
