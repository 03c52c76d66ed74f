import type { Kysely } from 'kysely';
import { findCategory } from '../db/categories-repository.js';
import type { Database } from '../db/database.js';
import { listProducts as selectPage } from '../db/products-repository.js';
import { errors } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toProductView, type ProductView } from './product.js';

export interface ListQuery {
  /** A category id or slug: products in it and in every category under it. */
  category?: string;
  brand?: string;
  minPrice?: number;
  maxPrice?: number;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One page of the product list, filtered, in creation (id) order. */
export async function listProducts(
  db: Kysely<Database>,
  query: ListQuery,
): Promise<Page<ProductView>> {
  if (query.minPrice !== undefined && query.maxPrice !== undefined) {
    if (query.minPrice > query.maxPrice) {
      throw errors.CATALOG_INVALID_PRICE_RANGE(
        `minPrice (${query.minPrice}) is greater than maxPrice (${query.maxPrice})`,
      );
    }
  }
  const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  let categoryId: string | undefined;
  if (query.category !== undefined) {
    const category = await findCategory(db, query.category);
    // An unknown category is a filter nothing matches, not an error.
    if (!category) return { items: [], nextCursor: null };
    categoryId = category.id;
  }
  const rows = await selectPage(db, {
    categoryId,
    brand: query.brand,
    minPrice: query.minPrice,
    maxPrice: query.maxPrice,
    afterId,
    limit: query.limit,
  });
  const items = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return {
    items: items.map(toProductView),
    nextCursor: more ? encodeCursor(items[items.length - 1].id) : null,
  };
}
