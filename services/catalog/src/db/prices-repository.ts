import { CompiledQuery, type InferResult, type Kysely } from 'kysely';
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
    .where('p.id', 'in', [...productIds]);

/** One product's price and availability, as the lookup reads it. */
export type PriceRow = InferResult<ReturnType<typeof pricesQuery>>[number];

/**
 * The checkout's hot path: price and availability of up to 100 products in ONE query, by
 * primary key, selecting only what checkout needs. The ids are an IN list of parameters, one
 * text per number of ids: the kit's pool (`openDatabase` of `@bazaar/db`) runs each as a named
 * prepared statement, and Postgres keeps its generic plan (index scans) after five runs, since
 * it costs what a plan for the values does. With the ids as one array (`= any($1::uuid[])`),
 * the generic plan reckoned with ten of them and the plan for one id always looked cheaper:
 * every lookup was planned again, a join planned in several times the time it runs. Kysely
 * builds each text once, not at every lookup (see the README's benchmark).
 */
export async function findPrices(
  db: Kysely<Database>,
  productIds: readonly string[],
): Promise<PriceRow[]> {
  if (productIds.length === 0) return [];
  let text = pricesTexts.get(productIds.length);
  if (text === undefined) {
    text = pricesQuery(db, productIds).compile().sql;
    pricesTexts.set(productIds.length, text);
  }
  const { rows } = await db.executeQuery<PriceRow>(CompiledQuery.raw(text, [...productIds]));
  return rows;
}

/** The lookup's text by number of ids (at most 100: the route's bound). */
const pricesTexts = new Map<number, string>();
