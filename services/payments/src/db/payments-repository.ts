import { sql, type Kysely, type Updateable } from 'kysely';
import type {
  Database,
  NewPayment,
  PaymentMethodRow,
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

/** An order as the runner finds it before asking the provider to authorize it. */
export interface OrderBeforeAuthorization {
  /** It has a payment already (authorized meanwhile, or a repeated request). */
  paid: boolean;
  cancelled: boolean;
  /** The payment method it names, if it exists. */
  method: PaymentMethodRow | undefined;
}

/**
 * What the runner reads before it asks the provider to authorize some orders, in one statement
 * for all of them: whether each has a payment already or was cancelled, and the payment method
 * it names. Keyed by order id.
 */
export async function readOrdersBeforeAuthorization(
  db: Kysely<Database>,
  requests: ReadonlyArray<{ orderId: string; paymentMethodId: string }>,
): Promise<Map<string, OrderBeforeAuthorization>> {
  if (requests.length === 0) return new Map();
  const { rows } = await sql<
    Omit<PaymentMethodRow, 'id'> & {
      id: string | null;
      asked_order_id: string;
      paid: boolean;
      cancelled: boolean;
    }
  >`
    select m.*, r.order_id::text as asked_order_id,
           exists (select 1 from payments p where p.order_id = r.order_id) as paid,
           exists (select 1 from cancelled_orders c where c.order_id = r.order_id) as cancelled
      from unnest(${requests.map((r) => r.orderId)}::uuid[],
                  ${requests.map((r) => r.paymentMethodId)}::uuid[]) as r (order_id, method_id)
      left join payment_methods m on m.id = r.method_id`.execute(db);
  return new Map(
    rows.map(({ asked_order_id, paid, cancelled, ...method }) => [
      asked_order_id,
      {
        paid,
        cancelled,
        method: method.id === null ? undefined : ({ ...method, id: method.id } as PaymentMethodRow),
      },
    ]),
  );
}
