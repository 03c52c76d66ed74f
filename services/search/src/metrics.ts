import { Counter, Histogram, type Registry } from 'prom-client';
import type { FacetCache } from './domain/facet-cache.js';

/** The search service's own series, in the app's registry (`app.metrics`). */
export interface SearchMetrics {
  /**
   * Records that a change became searchable: seconds from when it happened (the product's
   * `updatedAt`, or a deletion event's time) to now. Never negative, whatever the clocks say.
   */
  observeFreshness(
    event: 'product.created' | 'product.updated' | 'product.deleted',
    changedAt: string,
  ): void;
}

export function createSearchMetrics(
  registry: Registry,
  now: () => number = Date.now,
): SearchMetrics {
  const freshness = new Histogram({
    name: 'search_index_freshness_seconds',
    help: 'Seconds from a product change (updatedAt, or a deletion event time) to it being searchable',
    labelNames: ['event'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  return {
    observeFreshness(event, changedAt) {
      const seconds = (now() - Date.parse(changedAt)) / 1000;
      freshness.observe({ event }, Number.isFinite(seconds) ? Math.max(0, seconds) : 0);
    },
  };
}

/** `search_facet_cache_lookups_total{result="hit"|"miss"}`, read from the cache on scrape. */
export function registerFacetCacheMetrics(registry: Registry, cache: FacetCache): void {
  new Counter({
    name: 'search_facet_cache_lookups_total',
    help: 'Searches whose total and facet counts were served from the cache (hit) or counted (miss)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: 'hit' }, cache.hits);
      this.inc({ result: 'miss' }, cache.misses);
    },
  });
}
