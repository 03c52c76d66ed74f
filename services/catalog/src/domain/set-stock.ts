import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findProductById, touchProducts } from '../db/products-repository.js';
import { setAvailable } from '../db/stock-repository.js';
import { errors } from '../errors.js';
import { toProductView, type ProductView } from './product.js';
import { writeProductsUpdated } from './catalog-events.js';

/**
 * Sets the units available (a count, not a delta: what a stock-take found), bumps the version
 * and writes `product.updated`. Units held by reservations are not part of `available`; they
 * come back only if their order is cancelled. The stock row is locked before the product row,
 * the order reservations use.
 */
export async function setStock(
  db: Kysely<Database>,
  id: string,
  available: number,
): Promise<ProductView> {
  const record = await db.transaction().execute(async (trx) => {
    if (!(await setAvailable(trx, id, available))) {
      throw errors.CATALOG_PRODUCT_NOT_FOUND(`product ${id} does not exist`);
    }
    await touchProducts(trx, [id]);
    const updated = (await findProductById(trx, id))!;
    await writeProductsUpdated(trx, [updated]);
    return updated;
  });
  return toProductView(record);
}
