import { outboxInsertFrom, type OutboxRow } from '@bazaar/messaging';
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
  /** This call claimed the order; some line is short: nothing taken, nothing of the order stored. */
  | { outcome: 'short'; available: Map<string, number> }
  /** The order was claimed before (a duplicate or an earlier cancel): its status. */
  | { outcome: 'claimed'; status: ReservationStatus };

/**
 * Claims an order for reservation and takes every line's units, all or nothing, in ONE
 * statement: the order's row is inserted (a duplicate, even a concurrent one, queues on its
 * primary key and takes nothing); the lines' stock rows are locked in product-id order (two
 * orders over the same products wait for each other instead of deadlocking) and read as they
 * are now; only when every line has enough are the units taken and the lines stored. Unknown
 * products have no stock row (0 available). `lines` must be one per product
 * (`normalizeLines`). Stock rows are reached by primary key over the ids' array (an index scan,
 * whatever plan is kept), never by a scan of the table, whose dead row versions every
 * reservation adds to. A short order leaves its row `reserved`: the caller marks it rejected.
 *
 * `reserved` is the outbox row of the order's `stock.reserved` (built and checked beforehand,
 * `stockReservedRow`): the same statement inserts it when, and only when, every line is taken,
 * so a reservation and its event cost one round trip.
 */
export async function reserveLines(
  db: Db,
  order: { orderId: string; userId: string },
  lines: readonly ReservedLine[],
  reserved: OutboxRow,
): Promise<LinesReserved> {
  const ids = lines.map((l) => l.productId);
  const { rows } = await sql<{
    claimed: boolean;
    enough: boolean;
    status: ReservationStatus | null;
    available: Array<{ p: string; n: number }> | null;
    left: Array<{ p: string; n: number }> | null;
  }>`
    with lines as (
      select * from unnest(${ids}::uuid[], ${lines.map((l) => l.quantity)}::int[])
               as l (product_id, quantity)),
    claim as (
      insert into reservations (order_id, user_id, status)
      values (${order.orderId}, ${order.userId}, 'reserved')
      on conflict (order_id) do nothing returning order_id),
    locked as (
      select s.product_id, s.available from stock s
       where s.product_id = any(${ids}::uuid[]) and exists (select 1 from claim)
       order by s.product_id for update),
    enough as (
      select exists (select 1 from claim)
             and count(*) = ${lines.length} and coalesce(bool_and(k.available >= l.quantity), true) as ok
        from lines l join locked k using (product_id)),
    taken as (
      update stock s set available = s.available - l.quantity, updated_at = now()
        from lines l
       where s.product_id = any(${ids}::uuid[]) and s.product_id = l.product_id
         and (select ok from enough)
      returning s.product_id, s.available),
    stored as (
      insert into reservation_lines (order_id, product_id, quantity)
      select ${order.orderId}, l.product_id, l.quantity from lines l where (select ok from enough)),
    reserved_event as (${outboxInsertFrom(reserved, 'enough', 'ok')})
    select exists (select 1 from claim) as claimed,
           coalesce((select ok from enough), false) as enough,
           (select r.status from reservations r where r.order_id = ${order.orderId}) as status,
           (select json_agg(json_build_object('p', product_id, 'n', available)) from locked) as available,
           (select json_agg(json_build_object('p', product_id, 'n', available)) from taken) as left`.execute(
    db,
  );
  const row = rows[0]!;
  const byProduct = (list: Array<{ p: string; n: number }> | null) =>
    new Map((list ?? []).map(({ p, n }) => [p, n]));
  if (row.enough) return { outcome: 'reserved', left: byProduct(row.left) };
  if (row.claimed) return { outcome: 'short', available: byProduct(row.available) };
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

export async function setReservationStatus(
  db: Db,
  orderId: string,
  status: ReservationStatus,
): Promise<void> {
  await db
    .updateTable('reservations')
    .set({ status, updated_at: sql`now()` })
    .where('order_id', '=', orderId)
    .execute();
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
