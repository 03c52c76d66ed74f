import { indexAll, product } from './fixtures/products.js';
import { searchVia, startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

describe('search with the facet cache on', () => {
  let context: SearchTestContext;

  beforeAll(async () => {
    context = await startSearchApp('search_facet_cache', { FACET_CACHE_TTL_MS: '60000' });
    await indexAll(context.database.db, [
      product({ name: 'Desk Lamp', brand: 'Lumo', price: 2900 }),
      product({ name: 'Floor Lamp', brand: 'Lumo', price: 8900 }),
    ]);
  });
  afterAll(() => context.close());

  it('when a product is indexed after a search, then the hits show it at once and the counts within the TTL', async () => {
    const first = (await searchVia(context.app, { q: 'lamp' })).json();
    expect(first.total).toBe(2);

    await indexAll(context.database.db, [product({ name: 'Reading Lamp', brand: 'Nox' })]);
    const again = (await searchVia(context.app, { q: 'Lamp', sort: 'price_asc' })).json();
    // Hits are read fresh; the total and facets of the same query and filters come from the cache.
    expect(again.items.map((i: { name: string }) => i.name)).toContain('Reading Lamp');
    expect(again.total).toBe(2);
    expect(again.facets.brand).toEqual([{ value: 'Lumo', count: 2 }]);

    // Other filters are another entry, counted now.
    const filtered = (await searchVia(context.app, { q: 'lamp', brand: 'Nox' })).json();
    expect(filtered.total).toBe(1);
  });

  it('when the metrics are scraped, then they count cache hits and misses', async () => {
    const metrics = await context.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/search_facet_cache_lookups_total\{result="hit"[^}]*\} [1-9]/);
    expect(metrics.body).toMatch(/search_facet_cache_lookups_total\{result="miss"[^}]*\} [1-9]/);
  });
});
