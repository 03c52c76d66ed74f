import { sql, type Kysely } from 'kysely';
import { PRICE_THRESHOLDS } from '../engine/price-thresholds.js';
import type { SearchFilters } from '../domain/search-request.js';
import type { Database } from './database.js';
import {
  allOf,
  baseConditions,
  brandCondition,
  priceCondition,
  type TextMatch,
} from './search-conditions.js';

export interface FacetCounts {
  total: number;
  categories: { value: string; label: string | null; count: number }[];
  brands: { value: string; count: number }[];
  /** Count by price bucket number (0 = below the first threshold). */
  prices: Map<number, number>;
}

interface AggregateRow {
  facet: 'total' | 'category' | 'brand' | 'price';
  category_id: string | null;
  category_label: string | null;
  brand: string | null;
  bucket: number | null;
  count: number;
}

/**
 * The total and every facet in one scan of the matching documents. Category counts apply all
 * filters (drilling down a category shows its sub-categories); brand counts apply every filter
 * but the brand one and price counts every filter but the price one, so a shopper sees the
 * other brands and ranges they can switch to.
 */
export async function countFacets(
  db: Kysely<Database>,
  match: TextMatch | null,
  filters: SearchFilters,
): Promise<FacetCounts> {
  const brand = brandCondition(filters);
  const price = priceCondition(filters);
  // Without a brand or price filter the counts coincide and are written as plain `count(*)`:
  // Postgres computes identical aggregates once, which halves the work on a broad result.
  const countWhere = (...conditions: (string | null)[]) => {
    const present = conditions.filter((c): c is string => c !== null);
    return present.length === 0
      ? sql`count(*)`
      : sql`count(*) filter (where ${sql.raw(present.join(' and '))})`;
  };
  const brandOk = brand ? 'brand_ok' : null;
  const priceOk = price ? 'price_ok' : null;
  // Labels are looked up per category group afterwards (index-only, via the facets index):
  // aggregating the name over every matching row would cost as much as the counting itself.
  const { rows } = await sql<AggregateRow>`
    with m as (
      select d.category_id, d.brand,
        width_bucket(d.price_amount, ${[...PRICE_THRESHOLDS]}::bigint[]) as bucket,
        (${brand ?? sql`true`}) as brand_ok,
        (${price ?? sql`true`}) as price_ok
      from search_documents d
      where ${allOf(baseConditions(match, filters))}
    ),
    counted as (
      select
        case
          when grouping(category_id) = 0 then 'category'
          when grouping(brand) = 0 then 'brand'
          when grouping(bucket) = 0 then 'price'
          else 'total'
        end as facet,
        category_id, brand, bucket,
        case
          when grouping(brand) = 0 then ${countWhere(priceOk)}
          when grouping(bucket) = 0 then ${countWhere(brandOk)}
          else ${countWhere(brandOk, priceOk)}
        end as count
      from m
      group by grouping sets ((), (category_id), (brand), (bucket))
    )
    select c.*, label.category_name as category_label
    from counted c
    left join lateral (
      select l.category_name from search_documents l
      where c.facet = 'category' and l.category_id = c.category_id and not l.deleted
      limit 1
    ) label on true`.execute(db);

  const counts: FacetCounts = { total: 0, categories: [], brands: [], prices: new Map() };
  for (const row of rows) {
    if (row.facet === 'total') counts.total = row.count;
    if (row.count === 0) continue;
    if (row.facet === 'category' && row.category_id !== null) {
      counts.categories.push({
        value: row.category_id,
        label: row.category_label,
        count: row.count,
      });
    } else if (row.facet === 'brand' && row.brand !== null) {
      counts.brands.push({ value: row.brand, count: row.count });
    } else if (row.facet === 'price' && row.bucket !== null) {
      counts.prices.set(row.bucket, row.count);
    }
  }
  return counts;
}
