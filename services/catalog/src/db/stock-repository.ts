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
