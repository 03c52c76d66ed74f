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

/** Buckets fine enough to read a p99 of a few milliseconds off (HTTP's start at 5 ms). */
export const QUERY_BUCKETS = [
  0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25,
  1,
];

/**
 * The search handler's own time per query (the index's work, without HTTP, validation or
 * serialisation): what the engine costs, apart from what the service around it does.
 */
export function createQueryTimer(registry: Registry): (seconds: number) => void {
  const duration = new Histogram({
    name: 'search_query_seconds',
    help: 'Seconds the in-memory index took to answer one search (the handler, without HTTP)',
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  return (seconds) => duration.observe(seconds);
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
