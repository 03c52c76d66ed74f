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

  it('when searches are answered, then the engine time and the whole handler time of each are counted in 0.25 ms buckets', async () => {
    const countOf = async (name: string) => {
      const text = (await t.app.inject({ url: '/metrics' })).body;
      return Number(
        new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\d+)$`, 'm').exec(text)?.[1] ?? -1,
      );
    };
    const before = [await countOf('search_query_seconds'), await countOf('search_request_seconds')];
    for (const q of ['lamp', 'desk lamp'])
      expect(
        (await t.app.inject({ url: `/v1/search?q=${encodeURIComponent(q)}` })).statusCode,
      ).toBe(200);
    expect(await countOf('search_query_seconds')).toBe(before[0] + 2);
    expect(await countOf('search_request_seconds')).toBe(before[1] + 2);
    const text = (await t.app.inject({ url: '/metrics' })).body;
    for (const name of ['search_query_seconds', 'search_request_seconds'])
      for (const le of ['0.00025', '0.00275', '0.003', '0.005'])
        expect(text).toContain(`${name}_bucket{le="${le}"`);
  });
});
