import {
  inboxInsertFrom,
  outboxInsertFrom,
  type InboxEntry,
  type OutboxRow,
  type OutboxRowShell,
} from '@bazaar/messaging';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Money } from '../domain/money.js';
import type {
  Order,
  OrderHead,
  OrderLine,
  ShippingAddress,
  StatusChange,
} from '../domain/order.js';
import type { OrderStatus, StatusReason } from '../domain/order-state.js';
import type { Database, OrderLineRow, OrderRow, StatusHistoryRow } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewOrder {
  id: string;
  userId: string;
  status: OrderStatus;
  lines: OrderLine[];
  total: Money;
  shippingAddress: ShippingAddress;
  payment: { methodId: string; brand: string; last4: string };
  cartId: string | null;
  createdAt: Date;
}

/**
 * Inserts an order, its lines and, when given, its first status-history row, in one statement
 * (later changes are written by `insertStatusChange` or `moveOrdersIfIn`).
 */
export async function insertOrder(
  trx: Transaction<Database>,
  order: NewOrder,
  firstChange?: { reason: StatusReason; at: Date },
): Promise<void> {
  const lines = order.lines.map((line, index) => ({
    order_id: order.id,
    line_no: index + 1,
    product_id: line.productId,
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unit_price_amount: line.unitPrice.amount,
    currency: line.unitPrice.currency,
  }));
  const withOrder = trx.with('placed_order', (db) =>
    db.insertInto('orders').values({
      id: order.id,
      user_id: order.userId,
      status: order.status,
      cancel_reason: null,
      total_amount: order.total.amount,
      currency: order.total.currency,
      shipping_address: JSON.stringify(order.shippingAddress),
      payment_method_id: order.payment.methodId,
      payment_brand: order.payment.brand,
      payment_last4: order.payment.last4,
      cart_id: order.cartId,
      created_at: order.createdAt,
      updated_at: order.createdAt,
    }),
  );
  if (!firstChange) {
    await withOrder.insertInto('order_lines').values(lines).execute();
    return;
  }
  await withOrder
    .with('first_change', (db) =>
      db.insertInto('order_status_history').values({
        order_id: order.id,
        status: order.status,
        reason: firstChange.reason,
        at: firstChange.at,
      }),
    )
    .insertInto('order_lines')
    .values(lines)
    .execute();
}

/**
 * Checkout's write in ONE statement (no transaction around it, one round trip): claims the
 * shopper's idempotency key with the answer to replay and, only when the claim succeeded,
 * inserts the order, its lines, its `pending` history row and its outbox row. A statement is
 * atomic by itself, so either all of it is written or none; when another request holds the same
 * key uncommitted, the claim waits for it and then conflicts (nothing is written) or, when that
 * one rolled back, succeeds. Returns false when the key was taken. The lines travel as arrays
 * (`unnest`), so the text is the same for any number of lines: one prepared statement.
 */
export async function insertOrderClaimingKey(
  db: Kysely<Database>,
  order: NewOrder,
  claim: { key: string; fingerprint: string; body: unknown },
  event: OutboxRow,
): Promise<boolean> {
  const { lines } = order;
  const { rows } = await sql<{ placed: number }>`
    with claim as (
      insert into idempotency_keys (user_id, key, fingerprint, order_id, response_body)
      values (${order.userId}, ${claim.key}, ${claim.fingerprint}, ${order.id},
              ${JSON.stringify(claim.body)}::jsonb)
      on conflict (user_id, key) do nothing
      returning order_id
    ), placed_order as (
      insert into orders (id, user_id, status, cancel_reason, total_amount, currency,
                          shipping_address, payment_method_id, payment_brand, payment_last4,
                          cart_id, created_at, updated_at)
      select order_id, ${order.userId}, ${order.status}, null, ${order.total.amount},
             ${order.total.currency}, ${JSON.stringify(order.shippingAddress)}::jsonb,
             ${order.payment.methodId}, ${order.payment.brand}, ${order.payment.last4},
             ${order.cartId}::uuid, ${order.createdAt}::timestamptz, ${order.createdAt}::timestamptz
      from claim
      returning id
    ), first_change as (
      insert into order_status_history (order_id, status, reason, at)
      select id, ${order.status}, 'placed', ${order.createdAt}::timestamptz from placed_order
    ), placed_lines as (
      insert into order_lines (order_id, line_no, product_id, sku, name, quantity,
                               unit_price_amount, currency)
      select p.id, l.line_no::int, l.product_id, l.sku, l.name, l.quantity, l.unit_price_amount,
             l.currency
      from placed_order p,
           unnest(${lines.map((l) => l.productId)}::uuid[], ${lines.map((l) => l.sku)}::text[],
                  ${lines.map((l) => l.name)}::text[], ${lines.map((l) => l.quantity)}::int[],
                  ${lines.map((l) => l.unitPrice.amount)}::bigint[],
                  ${lines.map((l) => l.unitPrice.currency)}::text[])
             with ordinality as l(product_id, sku, name, quantity, unit_price_amount, currency,
                                  line_no)
    ), placed_event as (${outboxInsertFrom(event, 'claim')})
    select count(*)::int as placed from claim`.execute(db);
  return rows[0]!.placed === 1;
}

function toHead(
  row: Pick<OrderRow, 'id' | 'user_id' | 'status' | 'total_amount' | 'currency' | 'created_at'>,
): OrderHead {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status as OrderStatus,
    total: { amount: row.total_amount, currency: row.currency },
    createdAt: row.created_at,
  };
}

const HEAD_COLUMNS = ['id', 'user_id', 'status', 'total_amount', 'currency', 'created_at'] as const;

/** Reads an order's head and locks its row until the transaction ends (transitions serialize). */
export async function lockOrderHead(
  trx: Transaction<Database>,
  orderId: string,
): Promise<OrderHead | undefined> {
  const row = await trx
    .selectFrom('orders')
    .select(HEAD_COLUMNS)
    .where('id', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  return row && toHead(row);
}

/**
 * Locks up to `limit` orders still in flight that were placed before `placedBefore`, skipping
 * rows another replica (or a saga consumer) holds: each stuck order is handled by one sweeper.
 */
export async function lockStuckOrders(
  trx: Transaction<Database>,
  placedBefore: Date,
  limit: number,
): Promise<OrderHead[]> {
  const rows = await trx
    .selectFrom('orders')
    .select(HEAD_COLUMNS)
    .where('status', 'in', ['pending', 'stock_reserved'])
    .where('created_at', '<', placedBefore)
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map(toHead);
}

export async function updateOrderStatus(
  trx: Transaction<Database>,
  orderId: string,
  status: OrderStatus,
  cancelReason: string | null,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('orders')
    .set({ status, cancel_reason: cancelReason, updated_at: at })
    .where('id', '=', orderId)
    .execute();
}

/** One order a set-wise move takes, with the event its transition publishes, if any. */
export interface OrderMove {
  orderId: string;
  /** The outbox row of the transition's event, all but its data (built from the moved row). */
  event?: OutboxRowShell;
}

/**
 * Moves orders from `from` to `to` and appends each change to its order's history in one
 * statement, only those in `from`; returns the heads of the ones it moved as they were (status
 * `from`). The rest are not there or in another status: nothing is written for them. The UPDATE
 * takes the row locks, and under READ COMMITTED a concurrent change is waited for and the
 * condition checked again on the new row, so this serializes with `lockOrderHead` like any
 * transition. The orders must be different ones.
 *
 * A move with an `event` has the same statement write it to the outbox, its data built from the
 * moved row (as `transitionEventData` builds it, `eventReason` for `order.cancelled`) and
 * returned as `eventData` for the caller to check against the catalogue. With `inbox` (one move
 * only), it writes the consumer's inbox row of the message it applies, when it moves the order (a
 * message handled before fails it): the step of a handler's `alone` form, no transaction around it.
 */
export async function moveOrdersIfIn(
  db: Kysely<Database>,
  moves: OrderMove[],
  from: OrderStatus,
  change: { to: OrderStatus; cancelReason: string | null; reason: StatusReason; at: Date },
  also: { eventReason?: string; inbox?: InboxEntry } = {},
): Promise<Array<OrderHead & { eventData?: unknown }>> {
  type Moved = Pick<OrderRow, 'id' | 'user_id' | 'total_amount' | 'currency' | 'created_at'> & {
    event_data: unknown;
  };
  const { inbox } = also;
  if (inbox && moves.length !== 1) throw new Error('an inbox row goes with one move only');
  const events = moves.flatMap(({ event }) => (event ? [event] : []));
  if (events.length !== 0 && events.length !== moves.length) {
    throw new Error('either every move publishes its event or none does');
  }
  const column = <K extends keyof OutboxRowShell>(key: K) => events.map((event) => event[key]);
  const input = events.length
    ? sql`unnest(${moves.map((m) => m.orderId)}::uuid[], ${column('id')}::uuid[],
        ${column('type')}::text[], ${column('version')}::int[],
        ${column('occurred_at')}::timestamptz[], ${column('traceparent')}::text[],
        ${column('tracestate')}::text[])
        as input(order_id, event_id, type, version, occurred_at, traceparent, tracestate)`
    : sql`unnest(${moves.map((m) => m.orderId)}::uuid[]) as input(order_id)`;
  const ctes = [
    sql`moved as (
      update orders
         set status = ${change.to}, cancel_reason = ${change.cancelReason}, updated_at = ${change.at}
        from ${input}
       where orders.id = input.order_id and orders.status = ${from}
      returning input.*, user_id, total_amount, currency, created_at
    ), history as (
      insert into order_status_history (order_id, status, reason, at)
      select order_id, ${change.to}, ${change.reason}, ${change.at}::timestamptz from moved
    )`,
  ];
  // Without an event no insert into outbox_events is written at all: its statement trigger
  // would notify the relay for nothing.
  if (events.length) {
    ctes.push(sql`published as (
      insert into outbox_events (id, type, version, occurred_at, data, traceparent, tracestate)
      select event_id, type, version, occurred_at,
             jsonb_build_object('orderId', order_id, 'userId', user_id) ||
               case type
                 when 'order.confirmed' then jsonb_build_object(
                   'total', jsonb_build_object('amount', total_amount, 'currency', currency))
                 when 'order.cancelled' then jsonb_build_object('reason', ${also.eventReason ?? null}::text)
                 else '{}'::jsonb
               end,
             traceparent, tracestate
      from moved
      returning id, data
    )`);
  }
  if (inbox) ctes.push(sql`inboxed as (${inboxInsertFrom(inbox, 'moved')})`);
  const { rows } = await sql<Moved>`
    with ${sql.join(ctes)}
    select order_id as id, user_id, total_amount, currency, created_at,
           ${events.length ? sql`published.data` : sql`null`} as event_data
    from moved
    ${events.length ? sql`left join published on published.id = moved.event_id` : sql``}`.execute(
    db,
  );
  return rows.map(({ event_data, ...row }) => {
    const head = toHead({ ...row, status: from });
    return events.length ? { ...head, eventData: event_data } : head;
  });
}

/** Appends one transition to the order's history; returns its sequence number. */
export async function insertStatusChange(
  trx: Transaction<Database>,
  orderId: string,
  status: OrderStatus,
  reason: StatusReason,
  at: Date,
): Promise<number> {
  const row = await trx
    .insertInto('order_status_history')
    .values({ order_id: orderId, status, reason, at })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return row.seq;
}

function toStatusChange(row: StatusHistoryRow): StatusChange {
  return {
    seq: row.seq,
    status: row.status as OrderStatus,
    reason: row.reason as StatusReason,
    at: row.at,
  };
}

/** An order's transitions after `afterSeq` (all of them by default), oldest first. */
export async function listStatusChanges(
  db: Db,
  orderId: string,
  afterSeq = 0,
): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom('order_status_history')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .execute();
  return rows.map(toStatusChange);
}

function toLine(row: OrderLineRow): OrderLine {
  const unitPrice = { amount: row.unit_price_amount, currency: row.currency };
  return {
    productId: row.product_id,
    sku: row.sku,
    name: row.name,
    quantity: row.quantity,
    unitPrice,
    lineTotal: { amount: unitPrice.amount * row.quantity, currency: row.currency },
  };
}

/** Whole orders (lines and history) for the given head rows, in the rows' order. */
async function assemble(db: Db, rows: OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [lines, history] = await Promise.all([
    db
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', 'in', ids)
      .orderBy('order_id')
      .orderBy('line_no')
      .execute(),
    db
      .selectFrom('order_status_history')
      .selectAll()
      .where('order_id', 'in', ids)
      .orderBy('seq')
      .execute(),
  ]);
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    status: row.status as OrderStatus,
    cancelReason: row.cancel_reason,
    lines: lines.filter((l) => l.order_id === row.id).map(toLine),
    total: { amount: row.total_amount, currency: row.currency },
    shippingAddress: row.shipping_address as ShippingAddress,
    payment: {
      methodId: row.payment_method_id,
      brand: row.payment_brand,
      last4: row.payment_last4,
    },
    statusHistory: history.filter((h) => h.order_id === row.id).map(toStatusChange),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export async function findOrder(db: Db, orderId: string): Promise<Order | undefined> {
  const row = await db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', orderId)
    .executeTakeFirst();
  return row ? (await assemble(db, [row]))[0] : undefined;
}

export interface OrderListQuery {
  userId?: string;
  status?: OrderStatus;
  limit: number;
  /** Keyset: only orders with an id below this one (ids are UUIDv7, so: placed earlier). */
  beforeId?: string;
}

/** Orders newest first, filtered by owner and/or status; one more than `limit` tells "more". */
export async function listOrders(db: Db, query: OrderListQuery): Promise<Order[]> {
  let select = db.selectFrom('orders').selectAll();
  if (query.userId) select = select.where('user_id', '=', query.userId);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.beforeId) select = select.where('id', '<', query.beforeId);
  const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
  return assemble(db, rows);
}

/**
 * Orders in each of `statuses` now. The statuses go into the SQL as literals, not parameters, so
 * that every plan (a prepared statement's generic one too) can use a partial index on them: for
 * the in-flight statuses, `orders_in_flight_idx`, and the cost follows the orders in flight, not
 * every order ever placed.
 */
export async function countOrdersIn(
  db: Db,
  statuses: readonly OrderStatus[],
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('orders')
    .select(['status', sql<number>`count(*)::int`.as('count')])
    .where(sql<boolean>`status in (${sql.join(statuses.map((status) => sql.lit(status)))})`)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.count]));
}
