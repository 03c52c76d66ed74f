import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findProductsByIds, touchProducts } from '../db/products-repository.js';
import { writeEvent } from '../events/outbox.js';
import { toProductDocument, type ProductRecord } from './product.js';

/**
 * Writes `product.created` or `product.updated` with the full current document of each product
 * to the outbox, in the caller's transaction.
 */
export async function publishProducts(
  trx: Kysely<Database>,
  type: 'product.created' | 'product.updated',
  records: readonly ProductRecord[],
): Promise<void> {
  for (const record of records) {
    await writeEvent(trx, { type, data: { product: toProductDocument(record) } });
  }
}

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
  await publishProducts(trx, 'product.updated', await findProductsByIds(trx, productIds));
}
