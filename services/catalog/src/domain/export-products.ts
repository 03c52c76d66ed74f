import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listProducts } from '../db/products-repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Page } from './list-products.js';
import { toProductDocument, type ProductDocument } from './product.js';

/**
 * Every product as the full document its events carry, page by page in id order: what search
 * reads to build or rebuild its index from scratch.
 */
export async function exportProducts(
  db: Kysely<Database>,
  query: { limit: number; cursor?: string },
): Promise<Page<ProductDocument>> {
  const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await listProducts(db, { afterId, limit: query.limit });
  const items = rows.slice(0, query.limit);
  return {
    items: items.map(toProductDocument),
    nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1].id) : null,
  };
}
