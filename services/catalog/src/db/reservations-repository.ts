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
  | { outcome: 'claimed'; status: ReservationStatus }
  /** With `inbox` only: not applied in this statement, and nothing written (see reserveLines). */
  | { outcome: 'declined' };

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
 * `stockReservedRow`), so a reservation and its event cost one round trip.
 *
 * With `inbox` (a handler's `alone` form: this statement on its own, outside any transaction),
 * the order's row is inserted only when every line has enough and keeps a unit, and then the
 * inbox row with it: a statement that reserves an order writes its whole effect. Otherwise it
 * writes nothing at all and says `declined`: a short order (its `stock.rejected` carries what
 * the locks read, to be checked before it is committed), an order that empties a product (its
 * `product.updated` is built from the product as it is then), an order claimed before. The
 * caller then applies it in a transaction. A message handled before fails on its inbox row.
 */
export async function reserveLines(
  db: Db,
  order: { orderId: string; userId: string },
  lines: readonly ReservedLine[],
  reserved: OutboxRow,
  inbox?: InboxEntry,
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
      select count(*) = ${lines.length} and coalesce(bool_and(k.available >= l.quantity), true) as enough,
             coalesce(bool_or(k.available = l.quantity), false) as empties
        from lines l join locked k using (product_id)),
    claim as (
      insert into reservations (order_id, user_id, status)
      select ${order.orderId}::uuid, ${order.userId}::uuid,
             case when c.enough then 'reserved' else 'rejected' end
        from checked c${inbox ? sql` where c.enough and not c.empties` : sql``}
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
    reserved_event as (${outboxInsertFrom(reserved, 'claim', 'ok')})${
      inbox
        ? sql`,
    inboxed as (${inboxInsertFrom(inbox, 'claim')})`
        : sql``
    }
    select (select ok from claim) as claimed,
           (select r.status from reservations r where r.order_id = ${order.orderId}) as status,
           (select json_agg(json_build_object('p', product_id, 'n', available)) from locked) as available,
           (select json_agg(json_build_object('p', product_id, 'n', available)) from taken) as left`.execute(
    db,
  );
  const row = rows[0]!;
  const byProduct = (list: Array<{ p: string; n: number }> | null) =>
    new Map((list ?? []).map(({ p, n }) => [p, n]));
  if (row.claimed === true) return { outcome: 'reserved', left: byProduct(row.left) };
  if (row.claimed === false) return { outcome: 'short', available: byProduct(row.available) };
  if (inbox) return { outcome: 'declined' };
  // Claimed by a transaction that committed after this statement began: read it now.
  const status =
    row.status ??
    (
      await db
        .selectFrom('reservations')
        .select('status')
        .where('order_id', '=', order.orderId)
        .executeTakeFirstOrThrow()
    ).status;
  return { outcome: 'claimed', status };
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
