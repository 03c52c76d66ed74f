import { randomUUID } from 'node:crypto';
import { deleteNamespace } from '@bazaar/messaging/testing';
import pg from 'pg';
import { histogramOf, quantileBetween, restartReplica } from '../src/scenarios/search-engine.js';
import { AMQP, POSTGRES } from './servers.js';

describe('search engine scenarios', () => {
  it('when a handler histogram is scraped twice, then quantiles come from what was observed between', () => {
    const scrape = (counts: number[]) =>
      histogramOf(
        ['0.001', '0.003', '0.01', '+Inf']
          .map((le, i) => `search_query_seconds_bucket{le="${le}",service="search"} ${counts[i]}`)
          .join('\n'),
        'search_query_seconds',
      );
    const before = scrape([10, 10, 10, 10]);
    const after = scrape([60, 109, 110, 110]);
    expect(quantileBetween(before, after, 0.5)).toBe(0.001);
    expect(quantileBetween(before, after, 0.99)).toBe(0.003);
    expect(quantileBetween(before, after, 1)).toBe(0.01);
    expect(quantileBetween(after, after, 0.99)).toBeNull();
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
