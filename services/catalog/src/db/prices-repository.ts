import { CompiledQuery, sql, type InferResult, type Kysely } from 'kysely';
import type { Database } from './database.js';

const pricesQuery = (db: Kysely<Database>, productIds: readonly string[]) =>
  db
    .selectFrom('products as p')
    .leftJoin('stock as s', 's.product_id', 'p.id')
    .select((eb) => [
      'p.id as productId',
      'p.sku',
      'p.name',
      'p.price_amount as amount',
      'p.price_currency as currency',
      eb.fn.coalesce('s.available', eb.lit(0)).as('available'),
    ])
    .where('p.id', '=', sql<string>`any(${[...productIds]}::uuid[])`);

/** One product's price and availability, as the lookup reads it. */
export type PriceRow = InferResult<ReturnType<typeof pricesQuery>>[number];

/**
 * The checkout's hot path: price and availability of up to 100 products in ONE query, by
 * primary key (`= any($1::uuid[])` is an index scan over the array), selecting only what
 * checkout needs. The ids are one array parameter, so the text is the same for every batch: the
 * kit's pool (`openDatabase` of `@bazaar/db`) runs it as a named prepared statement, parsed and
 * planned once per connection, and kysely builds it once (as `findProductById`'s), not at every
 * lookup (see the README's benchmark).
 */
export async function findPrices(
  db: Kysely<Database>,
  productIds: readonly string[],
): Promise<PriceRow[]> {
  pricesText ??= pricesQuery(db, []).compile().sql;
  const { rows } = await db.executeQuery<PriceRow>(
    CompiledQuery.raw(pricesText, [[...productIds]]),
  );
  return rows;
}

let pricesText: string | undefined;
