import { describeServiceBasics } from '@bazaar/service-kit/testing';
import { startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

describe('search service', () => {
  let t: SearchTestContext;

  beforeAll(async () => {
    t = await startSearchApp('search_app', {}, { follower: 'own' });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  }, 60_000);

  describeServiceBasics(() => t.app, {
    readyChecks: { database: 'up', index: 'up' },
    paths: ['/v1/search'],
  });

  it('when searches are answered, then the handler time of each is counted in fine buckets', async () => {
    const countOf = async () => {
      const text = (await t.app.inject({ url: '/metrics' })).body;
      return Number(/^search_query_seconds_count(?:\{[^}]*\})? (\d+)$/m.exec(text)?.[1] ?? NaN);
    };
    const before = await countOf();
    for (const q of ['lamp', 'desk lamp'])
      expect(
        (await t.app.inject({ url: `/v1/search?q=${encodeURIComponent(q)}` })).statusCode,
      ).toBe(200);
    expect(await countOf()).toBe(before + 2);
    expect((await t.app.inject({ url: '/metrics' })).body).toContain(
      'search_query_seconds_bucket{le="0.001"',
    );
  });
});
