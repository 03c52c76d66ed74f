import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findProductsByIds, touchProducts } from '../db/products-repository.js';
import { writeProductsUpdated } from './catalog-events.js';

/**
 * A product's stock went from none to some or from some to none because of a reservation or a
 * release: its version grows and search hears about it (its in-stock filter depends on it).
 * Changes within the in-stock range publish nothing, so a busy product does not flood the bus.
 */
export async function publishStockFlips(
  trx: Kysely<Database>,
  productIds: readonly string[],
): Promise<void> {
  if (productIds.length === 0) return;
  await touchProducts(trx, productIds);
  await writeProductsUpdated(trx, await findProductsByIds(trx, productIds));
}
