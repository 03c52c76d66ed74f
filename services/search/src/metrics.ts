import { Gauge, Histogram, type Registry } from 'prom-client';
import type { IndexFollower } from './sync/index-follower.js';

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

/**
 * The replica's index, read on scrape: the last change-log sequence applied, how far behind
 * it is, and how many products it holds. Replicas that caught up show the same sequence.
 */
export function registerIndexMetrics(registry: Registry, follower: IndexFollower): void {
  new Gauge({
    name: 'search_index_sequence',
    help: "Highest change_seq of the search_documents log applied to this replica's index",
    registers: [registry],
    collect() {
      this.set(follower.sequence);
    },
  });
  new Gauge({
    name: 'search_index_lag_seconds',
    help: 'Seconds since this replica last read its change log to the end',
    registers: [registry],
    collect() {
      this.set(follower.lagMs() / 1000);
    },
  });
  new Gauge({
    name: 'search_index_documents',
    help: "Products in this replica's in-memory index",
    registers: [registry],
    collect() {
      this.set(follower.index.size);
    },
  });
}
