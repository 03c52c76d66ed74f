import type { TextMatch } from '../db/search-conditions.js';
import type { Facets, SearchFilters } from './search-request.js';

/** What a search counts over all its matches: the total and the facets. */
export interface FacetSummary {
  total: number;
  facets: Facets;
}

export interface FacetCacheOptions {
  /** How long a summary is served after it was counted; 0 turns the cache off. */
  ttlMs: number;
  /** Most summaries kept; the least recently used go first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  expires: number;
  summary: Promise<FacetSummary>;
}

/**
 * Totals and facet counts of recent searches, per normalized text query and filters — what
 * Elasticsearch's shard request cache keeps for aggregations. Counting facets reads every
 * matching product (all 100,000 for a search without text), while the page of hits reads only
 * what ranks first; shoppers repeat the same searches and page through them, so the counts are
 * served from here for `ttlMs` and only the hits are read on every request.
 *
 * Staleness: a total or facet count may be up to `ttlMs` old (a product indexed meanwhile is
 * found in the hits but not yet counted). Hits, prices and stock are always read fresh. Each
 * replica keeps its own cache; none is invalidated by indexing, so the bound holds whichever
 * replica indexed the change. Bounded by `maxEntries` (each entry is a few KB: at most 20
 * categories, 20 brands and 7 price ranges). Concurrent misses of one key share one count.
 */
export class FacetCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(private readonly options: FacetCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The summary under `key`, counted by `count` when absent or expired. */
  get(key: string, count: () => Promise<FacetSummary>): Promise<FacetSummary> {
    if (this.options.ttlMs <= 0 || this.options.maxEntries <= 0) return count();
    const now = this.now();
    const found = this.entries.get(key);
    this.entries.delete(key);
    if (found && found.expires > now) {
      this.entries.set(key, found); // most recently used last
      this.hits += 1;
      return found.summary;
    }
    this.misses += 1;
    const entry: Entry = { expires: now + this.options.ttlMs, summary: count() };
    this.entries.set(key, entry);
    // A failed count is not kept: the next search counts again.
    entry.summary.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
    return entry.summary;
  }
}

/**
 * The cache key of a search's counts: the normalized words and their alternatives (so "Lamp"
 * and "lamp" share one entry) and the normalized filters. Sort, page and limit do not change
 * the counts, so they are not part of it.
 */
export function facetKey(match: TextMatch | null, filters: SearchFilters): string {
  return JSON.stringify([
    match?.key ?? null,
    filters.categoryId ?? null,
    filters.brands ?? null,
    filters.minPrice ?? null,
    filters.maxPrice ?? null,
    filters.inStock ?? false,
  ]);
}
