import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { countFacets } from '../db/facets-repository.js';
import { findHits, type HitRow } from '../db/hits-repository.js';
import type { TextMatch } from '../db/search-conditions.js';
import { findCorrections, textQuery } from '../db/text-query-repository.js';
import {
  decodeCursor,
  encodeCursor,
  fingerprint,
  keyKindOf,
  type MatchMode,
  type PageOrder,
} from '../domain/cursor.js';
import type { Facets, SearchHit, SearchRequest, SearchResult } from '../domain/search-request.js';
import { filtersOf, toFacets } from '../domain/search.js';
import { isCorrectable, parseSearchTerms, type SearchTerms } from '../domain/search-terms.js';

interface FacetSummary {
  total: number;
  facets: Facets;
}

/** Fewer matches than this for the words as typed, and typo corrections widen the query. */
export const FUZZY_MIN_HITS = 3;

/**
 * The Postgres query path, kept as the oracle the in-memory engine is held against (the
 * differential test): it reads the same table the replicas build from. Searches the index: full text over the words typed (the last one as a prefix while typed),
 * widened by typo corrections when the words as typed find fewer than {@link FUZZY_MIN_HITS}
 * products; filters, facets, a total and one keyset-paged, highlighted page of hits. The total
 */
export async function postgresSearch(
  db: Kysely<Database>,
  request: SearchRequest,
): Promise<SearchResult> {
  const filters = filtersOf(request);
  const terms = parseSearchTerms(request.q);
  const order: PageOrder =
    terms.words.length === 0 && request.sort === 'relevance' ? 'newest' : request.sort;
  const print = fingerprint([terms, filters, request.sort]);
  const position = request.cursor ? decodeCursor(request.cursor, print, keyKindOf(order)) : null;
  const after = position ? { key: position.key, id: position.id } : null;
  const summarize = async (match: TextMatch | null): Promise<FacetSummary> => {
    const counts = await countFacets(db, match, filters);
    return { total: counts.total, facets: toFacets(counts) };
  };
  const read = (match: TextMatch | null) =>
    Promise.all([
      summarize(match),
      findHits(db, { match, filters, order, after, limit: request.limit }),
    ]);

  let mode: MatchMode = 'browse';
  let match: TextMatch | null = null;
  let counts: FacetSummary;
  let rows: HitRow[];
  if (terms.words.length === 0) {
    [counts, rows] = await read(null);
  } else {
    const exact: TextMatch = {
      query: textQuery(terms),
      exactQuery: null,
      key: JSON.stringify([terms.words, terms.lastIsPrefix]),
      phrase: terms.words.join(' '),
    };
    // A later page keeps the mode of the first, or its rows would shift under the cursor.
    const widened = position?.mode === 'fuzzy' ? await widen(db, terms, exact) : null;
    mode = widened ? 'fuzzy' : 'exact';
    match = widened ?? exact;
    [counts, rows] = await read(match);
    if (!position && counts.total < FUZZY_MIN_HITS) {
      const fuzzy = await widen(db, terms, exact);
      if (fuzzy) {
        const [fuzzyCounts, fuzzyRows] = await read(fuzzy);
        if (fuzzyCounts.total > counts.total) {
          [mode, match, counts, rows] = ['fuzzy', fuzzy, fuzzyCounts, fuzzyRows];
        }
      }
    }
  }

  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  return {
    items: page.map(toHit),
    total: counts.total,
    facets: counts.facets,
    nextCursor:
      rows.length > request.limit && last
        ? encodeCursor({ mode, key: last.cursor_key, id: last.id }, print)
        : null,
  };
}

/** The query with each misspelt-looking word widened by its near dictionary words, if any. */
async function widen(
  db: Kysely<Database>,
  terms: SearchTerms,
  exact: TextMatch,
): Promise<TextMatch | null> {
  const candidates = terms.words
    .map((word, index) => ({ word, index }))
    .filter(({ word }) => isCorrectable(word));
  const corrections = await findCorrections(db, candidates);
  if (corrections.size === 0) return null;
  return {
    query: textQuery(terms, corrections),
    exactQuery: exact.query,
    key: JSON.stringify([exact.key, [...corrections]]),
    phrase: exact.phrase,
  };
}

function toHit(row: HitRow): SearchHit {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    brand: row.brand,
    categoryId: row.category_id,
    price: { amount: row.price_amount, currency: row.price_currency },
    stock: { available: row.stock_available },
    highlight: { name: row.name_highlight, description: row.description_highlight },
  };
}
