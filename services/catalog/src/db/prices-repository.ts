import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

export interface PriceRow {
  productId: string;
  sku: string;
  name: string;
  amount: number;
  currency: string;
  available: number;
}

/**
 * The checkout's hot path: price and availability of up to 100 products in ONE query, by
 * primary key (`= any($1)` is an index scan over the array), selecting only what checkout needs.
 */
export async function findPrices(
  db: Kysely<Database>,
  productIds: readonly string[],
): Promise<PriceRow[]> {
  const result = await sql<PriceRow>`
    select p.id as "productId", p.sku, p.name, p.price_amount as amount,
           p.price_currency as currency, coalesce(s.available, 0) as available
      from products p left join stock s on s.product_id = p.id
     where p.id = any(${[...productIds]}::uuid[])`.execute(db);
  return result.rows;
}
