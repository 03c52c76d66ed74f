import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  findProductById,
  updateProduct as updateRow,
  type ProductChanges,
} from '../db/products-repository.js';
import { errors } from '../errors.js';
import { assertCategoryExists, withUniqueSku } from './admin-guards.js';
import { toProductView, type ProductView } from './product.js';
import { writeProductsUpdated } from './catalog-events.js';

/** Changes a product's fields, bumps its version and writes `product.updated`. */
export async function updateProduct(
  db: Kysely<Database>,
  id: string,
  changes: ProductChanges,
): Promise<ProductView> {
  const record = await withUniqueSku(changes.sku, () =>
    db.transaction().execute(async (trx) => {
      await assertCategoryExists(trx, changes.categoryId);
      if (!(await updateRow(trx, id, changes))) {
        throw errors.CATALOG_PRODUCT_NOT_FOUND(`product ${id} does not exist`);
      }
      const updated = (await findProductById(trx, id))!;
      await writeProductsUpdated(trx, [updated]);
      return updated;
    }),
  );
  return toProductView(record);
}
