import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { errors } from '../errors.js';

const UNIQUE_VIOLATION = '23505';

/** A category a product is put in must exist: an unknown id is the caller's mistake (400). */
export async function assertCategoryExists(
  db: Kysely<Database>,
  categoryId: string | null | undefined,
): Promise<void> {
  if (categoryId === null || categoryId === undefined) return;
  const found = await db
    .selectFrom('categories')
    .select('id')
    .where('id', '=', categoryId)
    .executeTakeFirst();
  if (!found) throw errors.CATALOG_UNKNOWN_CATEGORY(`category ${categoryId} does not exist`);
}

/**
 * Runs a write and turns the SKU's unique violation into a 409. The constraint decides, not a
 * prior lookup, so two admins creating the same SKU at once still get one 201 and one 409.
 */
export async function withUniqueSku<T>(
  sku: string | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const pgError = error as { code?: string; constraint?: string };
    if (pgError.code === UNIQUE_VIOLATION && pgError.constraint === 'products_sku_key') {
      throw errors.CATALOG_DUPLICATE_SKU(
        `a product with SKU ${JSON.stringify(sku)} already exists`,
      );
    }
    throw error;
  }
}
