import { randomUUID } from 'node:crypto';
import { deleteNamespace } from '@bazaar/messaging/testing';
import pg from 'pg';
import { histogramOf, quantileBetween, restartReplica } from '../src/scenarios/search-engine.js';
import { AMQP, POSTGRES } from './servers.js';

describe('search engine scenarios', () => {
  it('when a handler histogram is scraped twice, then quantiles come from what was observed between, interpolated within their bucket', () => {
    const scrape = (counts: number[]) =>
      histogramOf(
        ['0.001', '0.003', '0.01', '+Inf']
          .map((le, i) => `search_request_seconds_bucket{le="${le}",service="search"} ${counts[i]}`)
          .join('\n'),
        'search_request_seconds',
      );
    const before = scrape([10, 10, 10, 10]);
    const after = scrape([60, 109, 110, 110]);
    // 50 of 100 are at or below 1 ms: the median is the bucket's top.
    expect(quantileBetween(before, after, 0.5)).toEqual({ value: 0.001, lower: 0, upper: 0.001 });
    // The 99th is the 49th of the 49 in (1, 3] ms: linear inside it.
    const p99 = quantileBetween(before, after, 0.99)!;
    expect(p99.lower).toBe(0.001);
    expect(p99.upper).toBe(0.003);
    expect(p99.value).toBeCloseTo(0.001 + (0.002 * 49) / 49);
    const p90 = quantileBetween(before, after, 0.9)!;
    expect(p90.value).toBeCloseTo(0.001 + (0.002 * 40) / 49);
    expect(quantileBetween(before, after, 1)).toEqual({ value: 0.01, lower: 0.003, upper: 0.01 });
    expect(quantileBetween(after, after, 0.99)).toBeNull();
  });

  it('when the quantile falls in the +Inf bucket, then the value is the highest finite bound, an underestimate said as such', () => {
    const scrape = (counts: number[]) =>
      histogramOf(
        ['0.001', '+Inf']
          .map((le, i) => `search_request_seconds_bucket{le="${le}"} ${counts[i]}`)
          .join('\n'),
        'search_request_seconds',
      );
    expect(quantileBetween(new Map(), scrape([90, 100]), 0.99)).toEqual({
      value: 0.001,
      lower: 0.001,
      upper: Infinity,
    });
  });

  it('when a replica starts with tiny numbers (an empty catalog), then its ready time and RSS are reported', async () => {
    const name = `bazaar_test_bench_search_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
    await admin.connect();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const namespace = `bench-test-${name.slice(-8)}`;
    try {
      const figures = await restartReplica({
        databaseUrl: `${POSTGRES}/${name}`,
        port,
        env: { AMQP_URL: AMQP, AMQP_NAMESPACE: namespace },
      });
      expect(figures.products).toBe(0);
      expect(figures.readyMillis).toBeGreaterThan(0);
      expect(figures.rssMegabytes).toBeGreaterThan(10);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      // The queues and exchanges the replica declared in its namespace.
      await deleteNamespace({ namespace });
    }
  }, 150_000);
});
