import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  addDictionaryWords,
  dictionaryText,
  tombstoneDocument,
  toDocumentRow,
  upsertDocument,
} from '../db/documents-repository.js';
import { notifyChanges } from '../db/changes-repository.js';
import type { ProductDocument } from './product-document.js';

/** What an index change did: `applied`, or `stale` when the index already held something newer. */
export type IndexOutcome = 'applied' | 'stale';

/**
 * Makes a product's document searchable, unless the index holds a newer version of it or a
 * tombstone of the same or a newer version: events can arrive late, twice or out of order,
 * and the version alone decides. Run it in one transaction (the consumer's).
 */
export async function indexProduct(
  trx: Kysely<Database>,
  product: ProductDocument,
): Promise<IndexOutcome> {
  const written = await upsertDocument(trx, toDocumentRow(product));
  if (!written) return 'stale';
  await addDictionaryWords(trx, dictionaryText(product));
  await notifyChanges(trx);
  return 'applied';
}

/**
 * Removes a product from search as of `version`. A tombstone keeps the version so that an
 * older `product.updated` arriving afterwards cannot bring the product back.
 */
export async function removeProduct(
  trx: Kysely<Database>,
  productId: string,
  version: number,
): Promise<IndexOutcome> {
  if (!(await tombstoneDocument(trx, productId, version))) return 'stale';
  await notifyChanges(trx);
  return 'applied';
}
