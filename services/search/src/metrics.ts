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
 * Buckets fine enough to read a p99 of a few milliseconds off (HTTP's start at 5 ms): 0.25 ms
 * steps up to 5 ms, where the handler's target (3 ms) lies, then coarser up to a second.
 */
export const QUERY_BUCKETS = [
  ...Array.from({ length: 20 }, (_, i) => (i + 1) / 4000),
  0.006,
  0.0075,
  0.01,
  0.015,
  0.02,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
];

/** One search's duration in the query histograms (seconds): the engine's, and the handler's. */
export interface SearchTimers {
  /** `search_query_seconds`: the index's work alone (the domain's `search`). */
  query(seconds: number): void;
  /** `search_request_seconds`: request in to reply out in this service. */
  request(seconds: number): void;
}

/**
 * Two histograms per search, in the same fine buckets: the whole handler as a shopper's request
 * meets it in this service (from routing, through validation, the search and serialisation, to
 * the reply written to the socket: the "handler" figure) and the engine's share of it.
 */
export function createQueryTimers(registry: Registry): SearchTimers {
  const query = new Histogram({
    name: 'search_query_seconds',
    help: 'Seconds the in-memory index took to answer one search (the engine alone: no HTTP, validation or serialisation)',
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  const request = new Histogram({
    name: 'search_request_seconds',
    help: 'Seconds from a search request being routed to its reply written (validation, search, serialisation and write)',
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  return {
    query: (seconds) => query.observe(seconds),
    request: (seconds) => request.observe(seconds),
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
