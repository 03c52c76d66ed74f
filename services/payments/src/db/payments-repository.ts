import type { MessagingTables, OutboxRow } from '@bazaar/messaging';
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

/**
 * An order's payment and whether its ledger has a capture in it (made, or refused: an
 * `order.shipped` was handled for it already), in one statement.
 */
export async function findPaymentForCapture(
  db: Kysely<Database>,
  orderId: string,
): Promise<{ payment: PaymentRow; captureRecorded: boolean } | undefined> {
  const row = await db
    .selectFrom('payments as p')
    .selectAll('p')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('payment_attempts as a')
            .select('a.id')
            .whereRef('a.payment_id', '=', 'p.id')
            .where('a.operation', '=', 'capture'),
        )
        .as('capture_recorded'),
    )
    .where('p.order_id', '=', orderId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { capture_recorded, ...payment } = row;
  return { payment, captureRecorded: Boolean(capture_recorded) };
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
 * Inserts payments, their ledger rows (each with a fresh UUIDv7 id, in the lists' order) and
 * outbox rows (`OutboxBatch.takeRows`) in ONE statement, the first inserts as
 * data-modifying CTEs of the last: an outcome's payment and its event cost one round trip.
 */
export async function insertPaymentsWithAttempts(
  trx: Kysely<Database>,
  payments: readonly NewPaymentWithAttempts[],
  events: readonly OutboxRow[] = [],
): Promise<void> {
  const db = trx as unknown as Kysely<Database & MessagingTables>;
  const rows = payments.map(({ payment }) => payment);
  const attempts = payments.flatMap(({ payment, attempts }) =>
    attempts.map((attempt) => ({ id: uuidv7(), ...attempt, payment_id: payment.id })),
  );
  const outbox = [...events];
  if (rows.length === 0) {
    if (outbox.length > 0) await db.insertInto('outbox_events').values(outbox).execute();
    return;
  }
  const paid = db.with('payment', (w) => w.insertInto('payments').values(rows).returning('id'));
  if (attempts.length === 0) {
    await (
      outbox.length > 0
        ? paid.insertInto('outbox_events').values(outbox)
        : db.insertInto('payments').values(rows)
    ).execute();
  } else if (outbox.length === 0) {
    await paid.insertInto('payment_attempts').values(attempts).execute();
  } else {
    await paid
      .with('attempt', (w) => w.insertInto('payment_attempts').values(attempts).returning('id'))
      .insertInto('outbox_events')
      .values(outbox)
      .execute();
  }
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
