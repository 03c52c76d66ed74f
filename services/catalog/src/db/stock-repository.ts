import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database>;

/** Sets a product's available units; false when the product has no stock row (unknown). */
export async function setAvailable(db: Db, productId: string, available: number): Promise<boolean> {
  const result = await db
    .updateTable('stock')
    .set({ available, updated_at: sql`now()` })
    .where('product_id', '=', productId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Takes `quantity` units when at least that many are available, in one conditional update:
 * the row lock and the `available >= quantity` test are Postgres's, so two orders can never
 * both take the last unit. Resolves to what is left, or undefined when nothing was taken
 * (too few units, or no such product).
 */
export async function takeStock(
  db: Db,
  productId: string,
  quantity: number,
): Promise<number | undefined> {
  const row = await db
    .updateTable('stock')
    .set((eb) => ({ available: eb('available', '-', quantity), updated_at: sql`now()` }))
    .where('product_id', '=', productId)
    .where('available', '>=', quantity)
    .returning('available')
    .executeTakeFirst();
  return row?.available;
}

/** Gives `quantity` units back; resolves to the new availability, undefined when the product is gone. */
export async function returnStock(
  db: Db,
  productId: string,
  quantity: number,
): Promise<number | undefined> {
  const row = await db
    .updateTable('stock')
    .set((eb) => ({ available: eb('available', '+', quantity), updated_at: sql`now()` }))
    .where('product_id', '=', productId)
    .returning('available')
    .executeTakeFirst();
  return row?.available;
}

/** Current availability by product id; unknown products are absent. */
export async function findAvailability(
  db: Db,
  productIds: readonly string[],
): Promise<Map<string, number>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('stock')
    .select(['product_id', 'available'])
    .where('product_id', '=', sql<string>`any(${[...productIds]}::uuid[])`)
    .execute();
  return new Map(rows.map((r) => [r.product_id, r.available]));
}
