import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findProductFieldsById, findPublicProductJsonById } from '../db/products-repository.js';
import { errors } from '../errors.js';
import { toProductView, type ProductView } from './product.js';

export async function getProduct(db: Kysely<Database>, id: string): Promise<ProductView> {
  const record = await findProductFieldsById(db, id);
  if (!record) throw errors.CATALOG_PRODUCT_NOT_FOUND(`product ${id} does not exist`);
  return toProductView(record);
}

/** The product as the storefront publishes it, as JSON text, to be sent as it is. */
export async function getPublicProductJson(db: Kysely<Database>, id: string): Promise<string> {
  const json = await findPublicProductJsonById(db, id);
  if (json === undefined) throw errors.CATALOG_PRODUCT_NOT_FOUND(`product ${id} does not exist`);
  return json;
}
