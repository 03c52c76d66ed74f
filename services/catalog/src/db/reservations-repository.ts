import {
  inboxInsertFrom,
  outboxInsertFrom,
  type InboxEntry,
  type OutboxRow,
} from '@bazaar/messaging';
import { sql, type Kysely } from 'kysely';
import type { Database, ReservationStatus } from './database.js';

type Db = Kysely<Database>;

export interface ReservedLine {
  productId: string;
  quantity: number;
}

/**
 * Claims an order for reservation: inserts its row, or finds one already there. Concurrent
 * duplicates of one order serialize on the primary key here, so only one goes on to take stock.
 * Resolves to undefined when this call claimed it, or to the status already recorded.
 */
export async function claimOrder(
  db: Db,
  orderId: string,
  userId: string,
  status: ReservationStatus,
): Promise<ReservationStatus | undefined> {
  const inserted = await db
    .insertInto('reservations')
    .values({ order_id: orderId, user_id: userId, status })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('order_id')
    .executeTakeFirst();
  if (inserted) return undefined;
  const existing = await db
    .selectFrom('reservations')
    .select('status')
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  return existing.status;
}

/** What {@link reserveLines} did. */
export type LinesReserved =
  /** This call claimed the order and took every line. */
  | { outcome: 'reserved'; left: Map<string, number> }
  /** This call claimed the order as `rejected`: some line is short, nothing taken. */
  | { outcome: 'short'; available: Map<string, number> }
  /** The order was claimed before (a duplicate or an earlier cancel): its status. */
  | { outcome: 'claimed'; status: ReservationStatus };

/**
 * Reserves an order, all or nothing, in ONE statement: the lines' stock rows are locked in
 * product-id order (two orders over the same products wait for each other instead of
 * deadlocking) and read as they are now; then the order's row is inserted, `reserved` when every
 * line has enough and `rejected` otherwise (a duplicate, even a concurrent one, finds the row
 * there and takes nothing; an order already claimed when the statement starts locks no stock,
 * so it never holds a stock row while it waits on a release of the same order, which locks its
 * reservation before its stock); only when it is new and `reserved` are the units taken, the lines
 * stored and the order's `stock.reserved` inserted in the outbox. Unknown products have no stock
 * row (0 available). `lines` must be one per product (`normalizeLines`). Stock rows are reached
 * by primary key over the ids' array (an index scan, whatever plan is kept), never by a scan of
 * the table, whose dead row versions every reservation adds to.
 *
 * `reserved` is the outbox row of the order's `stock.reserved` (built and checked beforehand,
 * `stockReservedRow`), so a reservation and its event cost one round trip. This is the handler's
 * statement, in its transaction: the usual order is reserved before, by
 * {@link reserveFittingOrders}, and what comes here is what that one left.
 */
export async function reserveLines(
  trx: Db,
  order: { orderId: string; userId: string },
  lines: readonly ReservedLine[],
  reserved: OutboxRow,
): Promise<LinesReserved> {
  const ids = lines.map((l) => l.productId);
  const { rows } = await sql<{
    /** null: not claimed here; true: claimed `reserved`; false: claimed `rejected`. */
    claimed: boolean | null;
    status: ReservationStatus | null;
    available: Array<{ p: string; n: number }> | null;
    left: Array<{ p: string; n: number }> | null;
  }>`
    with lines as (
      select * from unnest(${ids}::uuid[], ${lines.map((l) => l.quantity)}::int[])
               as l (product_id, quantity)),
    locked as (
      select s.product_id, s.available from stock s
       where s.product_id = any(${ids}::uuid[])
         and not exists (select 1 from reservations r where r.order_id = ${order.orderId}::uuid)
       order by s.product_id for update),
    checked as (
      select count(*) = ${lines.length} and coalesce(bool_and(k.available >= l.quantity), true) as enough
        from lines l join locked k using (product_id)),
    claim as (
      insert into reservations (order_id, user_id, status)
      select ${order.orderId}::uuid, ${order.userId}::uuid,
             case when c.enough then 'reserved' else 'rejected' end
        from checked c
      on conflict (order_id) do nothing
      returning status = 'reserved' as ok),
    taken as (
      update stock s set available = s.available - l.quantity, updated_at = now()
        from lines l
       where s.product_id = any(${ids}::uuid[]) and s.product_id = l.product_id
         and exists (select 1 from claim where ok)
      returning s.product_id, s.available),
    stored as (
      insert into reservation_lines (order_id, product_id, quantity)
      select ${order.orderId}::uuid, l.product_id, l.quantity from lines l
       where exists (select 1 from claim where ok)),
    reserved_event as (${outboxInsertFrom(reserved, 'claim', 'ok')})
    select (select ok from claim) as claimed,
           (select r.status from reservations r where r.order_id = ${order.orderId}) as status,
           (select json_agg(json_build_object('p', product_id, 'n', available)) from locked) as available,
           (select json_agg(json_build_object('p', product_id, 'n', available)) from taken) as left`.execute(
    trx,
  );
  const row = rows[0]!;
  const byProduct = (list: Array<{ p: string; n: number }> | null) =>
    new Map((list ?? []).map(({ p, n }) => [p, n]));
  if (row.claimed === true) return { outcome: 'reserved', left: byProduct(row.left) };
  if (row.claimed === false) return { outcome: 'short', available: byProduct(row.available) };
  // Claimed by a transaction that committed after this statement began: read it now.
  const status =
    row.status ??
    (
      await trx
        .selectFrom('reservations')
        .select('status')
        .where('order_id', '=', order.orderId)
        .executeTakeFirstOrThrow()
    ).status;
  return { outcome: 'claimed', status };
}

/** An order for {@link reserveFittingOrders}: its lines (one per product) and its event's row. */
export interface FittingOrder {
  orderId: string;
  userId: string;
  lines: readonly ReservedLine[];
  /** The outbox row of its `stock.reserved`, built and checked beforehand (with its trace). */
  reserved: OutboxRow;
}

/**
 * Reserves, in ONE statement, every order of `orders` that surely fits, and nothing of the
 * others; resolves to the ids of the orders it reserved (as Postgres spells them: lower case).
 *
 * The orders compete for the same stock, so the statement is conservative: the stock rows of
 * every new order's lines are locked in product-id order (as {@link reserveLines} does; a row
 * locked here is read as it is now) and an order is reserved only when, for each of its lines,
 * the units wanted of that product by it AND by every new order ahead of it in `orders` leave at
 * least one unit of what is there. Counting the orders ahead whether they are reserved or not
 * makes the outcome the one of applying them one by one in that order: an order left here
 * (short, unknown product, taking the last unit, claimed before) is applied after it by
 * {@link reserveLines}, and the orders reserved here took nothing it would have had, since each
 * left enough for it and for everyone ahead. Keeping a unit means no product empties here, so
 * no `product.updated` is due (its document is built from the product as it is then); a short
 * order's `stock.rejected` carries what the locks read, and is written where it is checked.
 *
 * An order already claimed when the statement starts is left, and locks no stock (see
 * {@link reserveLines}); one claimed meanwhile by a transaction that committed is skipped by
 * the claim's `on conflict` and takes nothing. For each order reserved, the statement claims it
 * `reserved`, takes its units (one update per product, the sum of the orders' units), stores its
 * lines, and inserts its `stock.reserved` row; with `inbox` (one order: a handler's `alone` form,
 * no transaction around it), it writes the consumer's inbox row too when it reserves it, and
 * nothing at all otherwise. A message handled before fails the statement on its inbox row.
 */
export async function reserveFittingOrders(
  db: Db,
  orders: readonly FittingOrder[],
  inbox?: InboxEntry,
): Promise<string[]> {
  if (inbox && orders.length !== 1) throw new Error('an inbox row goes with one order only');
  const column = <K extends keyof OutboxRow>(key: K) => orders.map((o) => o.reserved[key]);
  const lines = orders.flatMap((o) => o.lines.map((line) => ({ orderId: o.orderId, ...line })));
  const products = [...new Set(lines.map((l) => l.productId))].sort();
  const { rows } = await sql<{ order_id: string }>`
    with orders as (
      select * from unnest(${orders.map((o) => o.orderId)}::uuid[], ${orders.map((o) => o.userId)}::uuid[],
                           ${column('id')}::uuid[], ${column('type')}::text[], ${column('version')}::int[],
                           ${column('occurred_at')}::timestamptz[], ${column('data')}::text[],
                           ${column('traceparent')}::text[], ${column('tracestate')}::text[])
               with ordinality as o (order_id, user_id, event_id, type, version, occurred_at, data,
                                     traceparent, tracestate, pos)),
    lines as (
      select * from unnest(${lines.map((l) => l.orderId)}::uuid[], ${lines.map((l) => l.productId)}::uuid[],
                           ${lines.map((l) => l.quantity)}::int[]) as l (order_id, product_id, quantity)),
    fresh as (
      select o.order_id, o.pos from orders o
       where not exists (select 1 from reservations r where r.order_id = o.order_id)),
    wanted as (
      select l.product_id, l.order_id,
             sum(l.quantity) over (partition by l.product_id order by f.pos) as through
        from lines l join fresh f using (order_id)),
    locked as materialized (
      select s.product_id, s.available from stock s
       where s.product_id = any(${products}::uuid[])
         and exists (select 1 from wanted w where w.product_id = s.product_id)
       order by s.product_id for update),
    fits as (
      select w.order_id from wanted w left join locked k using (product_id)
       group by w.order_id
      having bool_and(coalesce(k.available > w.through, false))),
    claim as (
      insert into reservations (order_id, user_id, status)
      select o.order_id, o.user_id, 'reserved' from orders o join fits using (order_id)
      on conflict (order_id) do nothing
      returning order_id),
    taken as (
      update stock s set available = s.available - t.quantity, updated_at = now()
        from (select l.product_id, sum(l.quantity)::int as quantity
                from lines l join claim using (order_id) group by l.product_id) t
       where s.product_id = any(${products}::uuid[]) and s.product_id = t.product_id),
    stored as (
      insert into reservation_lines (order_id, product_id, quantity)
      select l.order_id, l.product_id, l.quantity from lines l join claim using (order_id)),
    reserved_events as (
      insert into outbox_events (id, type, version, occurred_at, data, traceparent, tracestate)
      select o.event_id, o.type, o.version, o.occurred_at, o.data::jsonb, o.traceparent, o.tracestate
        from orders o join claim using (order_id))${
          inbox
            ? sql`,
    inboxed as (${inboxInsertFrom(inbox, 'claim')})`
            : sql``
        }
    select order_id from claim`.execute(db);
  return rows.map((r) => r.order_id);
}

/**
 * Moves a reservation from `reserved` to `released` in one conditional update and returns its
 * lines (in product order), or undefined when it was not `reserved` (never reserved, rejected,
 * or already released): this is what makes a release happen once.
 */
export async function markReleased(db: Db, orderId: string): Promise<ReservedLine[] | undefined> {
  const updated = await db
    .updateTable('reservations')
    .set({ status: 'released', updated_at: sql`now()` })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .returning('order_id')
    .executeTakeFirst();
  if (!updated) return undefined;
  const rows = await db
    .selectFrom('reservation_lines')
    .select(['product_id', 'quantity'])
    .where('order_id', '=', orderId)
    .orderBy('product_id')
    .execute();
  return rows.map((r) => ({ productId: r.product_id, quantity: r.quantity }));
}
