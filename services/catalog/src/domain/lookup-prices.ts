import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findPrices } from '../db/prices-repository.js';
import type { Money } from './product.js';

export interface PriceItem {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  available: number;
}

/**
 * Authoritative prices and availability for a checkout, in one query. Items come back in the
 * order asked (duplicates once); ids that match no product are listed in `unknown`.
 */
export async function lookupPrices(
  db: Kysely<Database>,
  productIds: readonly string[],
): Promise<{ items: PriceItem[]; unknown: string[] }> {
  const ids = [...new Set(productIds.map((id) => id.toLowerCase()))];
  const rows = await findPrices(db, ids);
  const byId = new Map(rows.map((r) => [r.productId, r]));
  const items: PriceItem[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) {
      unknown.push(id);
      continue;
    }
    items.push({
      productId: row.productId,
      sku: row.sku,
      name: row.name,
      price: { amount: Number(row.amount), currency: row.currency },
      available: row.available,
    });
  }
  return { items, unknown };
}
