import { runCeilings } from '../src/ceilings/run-ceilings.js';
import { percentiles } from '../src/load.js';
import { buildQueries, typo, uncached } from '../src/scenarios/search.js';

describe('bench harness', () => {
  it('when the ceilings run with tiny numbers, then each one reports throughput and latency', async () => {
    const ceilings = await runCeilings({
      postgresUrl: 'postgres://postgres@127.0.0.1:5432',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      connections: 2,
      durationSeconds: 1,
    });
    for (const figures of [ceilings.bareRoute, ceilings.pgRoute, ceilings.checkoutPath]) {
      expect(figures.requests).toBeGreaterThan(0);
      expect(figures.errors).toBe(0);
      expect(figures.non2xx).toBe(0);
      expect(figures.latency.p99).toBeGreaterThanOrEqual(figures.latency.p50);
    }
  }, 90_000);

  it('when percentiles are taken, then they are nearest-rank over the sorted values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([]).p50).toBeNaN();
  });

  it('when queries are built from a catalog, then they hold words, prefixes, typos and filters', () => {
    expect(typo('laptop')).toBe('lapotp');
    expect(typo('cat')).toBe('cat');
    const queries = buildQueries(['Aurora Laptop Pro', 'Nimbus Headphones'], ['Aurora']);
    expect(queries).toEqual(
      expect.arrayContaining(['q=aurora', 'q=aur', `q=${typo('aurora')}`, 'q=aurora&brand=Aurora']),
    );
    expect(queries.some((q) => q.includes('minPrice='))).toBe(true);
  });

  it('when the catalog has categories, then the mix also filters by them and browses them without text', () => {
    const category = '0190f5e3-0000-7000-8000-000000000001';
    const queries = buildQueries(
      ['Aurora Swift Laptop', 'Nimbus Quiet Headphones'],
      ['Aurora', 'Nimbus'],
      [category],
    );
    expect(queries).toEqual(
      expect.arrayContaining([
        `q=swift&category=${category}`,
        `category=${category}&sort=price_asc`,
        'q=swift%20lapto',
        'q=&sort=newest',
      ]),
    );
  });

  it('when a query is made uncached, then each request is distinct and keeps the words and filters of its query', () => {
    expect(uncached('q=lamp', 7)).toBe('q=lamp&maxPrice=1000000007');
    expect(uncached('q=lamp&minPrice=1000&maxPrice=20000&sort=price_asc', 1234)).toBe(
      'q=lamp&minPrice=1000&maxPrice=20234&sort=price_asc',
    );
    expect(new Set([0, 1, 2].map((n) => uncached('q=&sort=newest', n))).size).toBe(3);
  });
});
