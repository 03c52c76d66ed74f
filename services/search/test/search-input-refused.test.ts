import { indexAll, product } from './fixtures/products.js';
import { searchVia, startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

/**
 * Input the schemas used to accept and Postgres refuses (issue #16): a `urn:uuid:` category was
 * a 500, and 500s open the storefront's circuit breaker to search.
 */
describe('search input Postgres would refuse', () => {
  let ctx: SearchTestContext;

  beforeAll(async () => {
    ctx = await startSearchApp('search_refused');
    await indexAll(ctx.database.db, [product({ name: 'Plain kettle', brand: 'Acme' })]);
  }, 60_000);
  afterAll(() => ctx.close());

  const cases: [string, Record<string, string | string[]>, string][] = [
    [
      'a urn:uuid category',
      { category: 'urn:uuid:01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77' },
      'querystring.category',
    ],
    ['a NUL in the words', { q: 'kettle\u0000lamp' }, 'querystring.q'],
    ['a NUL in a brand', { brand: ['Ac\u0000me'] }, 'querystring.brand.0'],
  ];

  it.each(cases)(
    'when the search has %s, then it is a 400 naming the field',
    async (_name, params, field) => {
      const response = await searchVia(ctx.app, params);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    },
  );
});
