import type { SearchIndex } from '../engine/search-index.js';
import { runQuery, type EngineCounts, type EngineHit } from '../engine/query.js';
import { errors } from '../errors.js';
import { decodeCursor, encodeCursor, fingerprint, keyKindOf, type PageOrder } from './cursor.js';
import { priceFacets } from './price-buckets.js';
import type {
  Facets,
  SearchFilters,
  SearchHit,
  SearchRequest,
  SearchResult,
  ValueFacet,
} from './search-request.js';
import { parseSearchTerms } from './search-terms.js';

/** Most values listed in the category and brand facets (the most frequent first). */
export const FACET_VALUES = 20;

/**
 * Searches this replica's in-memory index: full text over the words typed (the last one as a
 * prefix while typed), widened by typo corrections when the words as typed find few products;
 * filters, facets over all matches, a total and one keyset-paged, highlighted page of hits.
 */
export function search(index: SearchIndex, request: SearchRequest): SearchResult {
  const filters = filtersOf(request);
  const terms = parseSearchTerms(request.q);
  const order: PageOrder =
    terms.words.length === 0 && request.sort === 'relevance' ? 'newest' : request.sort;
  const print = fingerprint([terms, filters, request.sort]);
  const position = request.cursor ? decodeCursor(request.cursor, print, keyKindOf(order)) : null;
  const result = runQuery(index, {
    terms,
    filters,
    order,
    after: position ? { key: position.key, id: position.id } : null,
    limit: request.limit,
    mode: position?.mode ?? null,
  });
  const page = result.hits.slice(0, request.limit);
  const last = page.at(-1);
  return {
    items: page.map(toHit),
    total: result.counts.total,
    facets: toFacets(result.counts),
    nextCursor:
      result.hits.length > request.limit && last
        ? encodeCursor({ mode: result.mode, key: last.key, id: last.product.id }, print)
        : null,
  };
}

export function filtersOf(request: SearchRequest): SearchFilters {
  if (
    request.minPrice !== undefined &&
    request.maxPrice !== undefined &&
    request.minPrice > request.maxPrice
  ) {
    throw errors.SEARCH_INVALID_PRICE_RANGE(
      `minPrice (${request.minPrice}) is above maxPrice (${request.maxPrice})`,
    );
  }
  return {
    categoryId: request.categoryId,
    // Order and repeats do not change the result, so they do not change the cursor either.
    brands: request.brands?.length ? [...new Set(request.brands)].sort() : undefined,
    minPrice: request.minPrice,
    maxPrice: request.maxPrice,
    inStock: request.inStock || undefined,
  };
}

function toHit({ product, highlight }: EngineHit): SearchHit {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    brand: product.brand,
    categoryId: product.categoryId,
    price: { amount: product.priceAmount, currency: product.priceCurrency },
    stock: { available: product.stockAvailable },
    highlight,
  };
}

function mostFrequent(values: ValueFacet[]): ValueFacet[] {
  return values
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, FACET_VALUES);
}

/** Facets as the API answers them, from counts over all matches (the engine's or the oracle's). */
export function toFacets(counts: Omit<EngineCounts, 'total'>): Facets {
  return {
    category: mostFrequent(
      counts.categories.map(({ value, label, count }) =>
        label === null ? { value, count } : { value, label, count },
      ),
    ),
    brand: mostFrequent(counts.brands.filter((brand) => brand.value !== '')),
    price: priceFacets(counts.prices),
  };
}
