import type { App } from '@bazaar/service-kit';
import { openApiErrors } from '@bazaar/service-kit/testing';
import { startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

describe('search service', () => {
  let ctx: SearchTestContext;
  let app: App;

  beforeAll(async () => {
    ctx = await startSearchApp('search_app', {}, { follower: 'own' });
    app = ctx.app;
  }, 60_000);
  afterAll(async () => {
    await ctx.close();
  }, 60_000);

  it('when its database answers, then it is ready', async () => {
    const response = await app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks.database).toBe('up');
  });

  it('when searches are answered, then the handler time of each is counted in fine buckets', async () => {
    const countOf = async () => {
      const text = (await app.inject({ url: '/metrics' })).body;
      return Number(/^search_query_seconds_count(?:\{[^}]*\})? (\d+)$/m.exec(text)?.[1] ?? NaN);
    };
    const before = await countOf();
    for (const q of ['lamp', 'desk lamp'])
      expect((await app.inject({ url: `/v1/search?q=${encodeURIComponent(q)}` })).statusCode).toBe(
        200,
      );
    expect(await countOf()).toBe(before + 2);
    expect((await app.inject({ url: '/metrics' })).body).toContain(
      'search_query_seconds_bucket{le="0.001"',
    );
  });

  it('when /docs/json is read, then it is a valid OpenAPI 3.1 document', async () => {
    const document = (await app.inject({ url: '/docs/json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(await openApiErrors(document)).toEqual([]);
  });
});
