import { sql, type RawBuilder } from 'kysely';
import type { SearchFilters } from '../domain/search-request.js';

/** The text part of a search: the tsquery to match, and what ranks first. */
export interface TextMatch {
  /** The tsquery that decides which products match (an expression: see `textQuery`). */
  query: RawBuilder<unknown>;
  /** With typo corrections: the uncorrected query; its matches rank above corrected ones. */
  exactQuery: RawBuilder<unknown> | null;
  /** Tells this query apart from any other (the words, their modes and alternatives). */
  key: string;
  /** The words typed, joined by spaces: a product named exactly so ranks first. */
  phrase: string;
}

/** Conditions every search applies: live documents, the text, the category and stock filters. */
export function baseConditions(
  match: TextMatch | null,
  filters: SearchFilters,
): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`not d.deleted`];
  if (match) conditions.push(sql`d.search_vector @@ ${match.query}`);
  if (filters.categoryId) {
    conditions.push(sql`d.category_path @> array[${filters.categoryId}::uuid]`);
  }
  if (filters.inStock) conditions.push(sql`d.stock_available > 0`);
  return conditions;
}

/** The brand filter, or none. */
export function brandCondition(filters: SearchFilters): RawBuilder<unknown> | null {
  if (!filters.brands?.length) return null;
  return sql`d.brand = any(${filters.brands}::text[])`;
}

/** The price filter (both bounds inclusive), or none. */
export function priceCondition(filters: SearchFilters): RawBuilder<unknown> | null {
  const bounds: RawBuilder<unknown>[] = [];
  if (filters.minPrice !== undefined) bounds.push(sql`d.price_amount >= ${filters.minPrice}`);
  if (filters.maxPrice !== undefined) bounds.push(sql`d.price_amount <= ${filters.maxPrice}`);
  return bounds.length ? sql.join(bounds, sql` and `) : null;
}

/** Conditions joined with AND. */
export function allOf(conditions: (RawBuilder<unknown> | null)[]): RawBuilder<unknown> {
  const present = conditions.filter((c): c is RawBuilder<unknown> => c !== null);
  return present.length ? sql.join(present, sql` and `) : sql`true`;
}
