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

export async function insertReservationLines(
  db: Db,
  orderId: string,
  lines: readonly ReservedLine[],
): Promise<void> {
  if (lines.length === 0) return;
  await db
    .insertInto('reservation_lines')
    .values(
      lines.map((l) => ({ order_id: orderId, product_id: l.productId, quantity: l.quantity })),
    )
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
