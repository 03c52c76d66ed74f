import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { deleteProduct as deleteRow } from '../db/products-repository.js';
import { errors } from '../errors.js';
import { writeProductDeleted } from './catalog-events.js';

/**
 * Deletes a product (and its stock) and writes `product.deleted` with a version one past its
 * last document, so a consumer holding that document knows the deletion is newer. Units an
 * order still holds are not returned anywhere if that order is cancelled later.
 */
export async function deleteProduct(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const version = await deleteRow(trx, id);
    if (version === undefined) {
      throw errors.CATALOG_PRODUCT_NOT_FOUND(`product ${id} does not exist`);
    }
    await writeProductDeleted(trx, { productId: id, version: version + 1 });
  });
}
