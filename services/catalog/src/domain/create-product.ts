import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/database.js';
import { findProductById, insertProduct } from '../db/products-repository.js';
import { assertCategoryExists, withUniqueSku } from './admin-guards.js';
import { toProductView, type Money, type ProductView } from './product.js';
import { writeProductCreated } from './catalog-events.js';

export interface CreateProductInput {
  sku: string;
  name: string;
  description?: string;
  brand: string;
  categoryId?: string | null;
  price: Money;
  /** Initial units available. */
  stock: number;
  attributes?: Record<string, string>;
}

/** Adds a product with its stock and writes `product.created` in the same transaction. */
export async function createProduct(
  db: Kysely<Database>,
  input: CreateProductInput,
): Promise<ProductView> {
  const id = uuidv7();
  const record = await withUniqueSku(input.sku, () =>
    db.transaction().execute(async (trx) => {
      await assertCategoryExists(trx, input.categoryId);
      await insertProduct(trx, {
        id,
        sku: input.sku,
        name: input.name,
        description: input.description ?? '',
        brand: input.brand,
        categoryId: input.categoryId ?? null,
        price: input.price,
        attributes: input.attributes ?? {},
        available: input.stock,
      });
      const created = (await findProductById(trx, id))!;
      await writeProductCreated(trx, created);
      return created;
    }),
  );
  return toProductView(record);
}
