import type pg from 'pg';

export interface PriceRow {
  productId: string;
  sku: string;
  name: string;
  amount: number;
  currency: string;
  available: number;
}

/** Anything that runs a pg query config: a `pg.Pool` (or a client). */
export type Queryable = Pick<pg.Pool, 'query'>;

/**
 * The checkout's hot path: price and availability of up to 100 products in ONE query, by
 * primary key (`= any($1)` is an index scan over the array), selecting only what checkout
 * needs. It runs as a NAMED statement on plain pg, not through kysely: Postgres then parses and
 * plans it once per connection instead of once per call, which is most of the difference
 * between kysely and raw pg on a primary-key read (see the README's benchmark).
 */
export async function findPrices(
  pool: Queryable,
  productIds: readonly string[],
): Promise<PriceRow[]> {
  const result = await pool.query<PriceRow>({
    name: 'catalog-find-prices',
    text: `select p.id as "productId", p.sku, p.name, p.price_amount as amount,
                  p.price_currency as currency, coalesce(s.available, 0) as available
             from products p left join stock s on s.product_id = p.id
            where p.id = any($1::uuid[])`,
    values: [productIds],
  });
  return result.rows;
}
