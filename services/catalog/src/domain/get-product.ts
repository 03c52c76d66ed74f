import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findProductFieldsById } from '../db/products-repository.js';
import { errors } from '../errors.js';
import { toProductView, type ProductView } from './product.js';

export async function getProduct(db: Kysely<Database>, id: string): Promise<ProductView> {
  const record = await findProductFieldsById(db, id);
  if (!record) throw errors.CATALOG_PRODUCT_NOT_FOUND(`product ${id} does not exist`);
  return toProductView(record);
}
