import { sql } from 'kysely';
import { FacetCache, facetKey, type FacetSummary } from '../src/domain/facet-cache.js';

const summary = (total: number): FacetSummary => ({
  total,
  facets: { category: [], brand: [], price: [] },
});

describe('facet cache', () => {
  let now = 0;
  const cache = (ttlMs = 1000, maxEntries = 10) =>
    new FacetCache({ ttlMs, maxEntries, now: () => now });
  beforeEach(() => (now = 0));

  it('when the same counts are asked again within the TTL, then they are counted once', async () => {
    const facets = cache();
    const count = jest.fn(async () => summary(7));
    expect(await facets.get('k', count)).toEqual(summary(7));
    now = 999;
    expect(await facets.get('k', count)).toEqual(summary(7));
    expect(count).toHaveBeenCalledTimes(1);
    expect([facets.hits, facets.misses]).toEqual([1, 1]);
  });

  it('when the TTL has passed, then they are counted again', async () => {
    const facets = cache();
    await facets.get('k', async () => summary(1));
    now = 1000;
    expect(await facets.get('k', async () => summary(2))).toEqual(summary(2));
  });

  it('when two searches miss the same key at once, then they share one count', async () => {
    const facets = cache();
    let release!: (value: FacetSummary) => void;
    const count = jest.fn(() => new Promise<FacetSummary>((resolve) => (release = resolve)));
    const both = Promise.all([facets.get('k', count), facets.get('k', count)]);
    release(summary(3));
    expect(await both).toEqual([summary(3), summary(3)]);
    expect(count).toHaveBeenCalledTimes(1);
  });

  it('when a count fails, then it is not kept', async () => {
    const facets = cache();
    await expect(facets.get('k', () => Promise.reject(new Error('db down')))).rejects.toThrow();
    expect(await facets.get('k', async () => summary(4))).toEqual(summary(4));
  });

  it('when more keys than the bound are counted, then the least recently used go first', async () => {
    const facets = cache(1000, 2);
    await facets.get('a', async () => summary(1));
    await facets.get('b', async () => summary(2));
    await facets.get('a', async () => summary(0)); // a is now the most recently used
    await facets.get('c', async () => summary(3));
    expect(facets.size).toBe(2);
    expect(await facets.get('a', async () => summary(9))).toEqual(summary(1));
    expect(await facets.get('b', async () => summary(9))).toEqual(summary(9));
  });

  it('when the TTL is 0, then nothing is kept', async () => {
    const facets = cache(0);
    await facets.get('k', async () => summary(1));
    expect(await facets.get('k', async () => summary(2))).toEqual(summary(2));
    expect(facets.size).toBe(0);
  });

  it('when only sort-independent parts of a search differ, then the keys tell them apart', () => {
    const match = {
      query: sql`'lamp'::tsquery`,
      exactQuery: null,
      key: '[["lamp"],true]',
      phrase: 'lamp',
    };
    expect(facetKey(match, {})).toBe(facetKey({ ...match, phrase: 'Lamp' }, {}));
    expect(facetKey(match, {})).not.toBe(facetKey({ ...match, key: '[["lamp"],false]' }, {}));
    expect(facetKey(match, {})).not.toBe(facetKey(null, {}));
    expect(facetKey(match, { brands: ['A'] })).not.toBe(facetKey(match, { brands: ['B'] }));
    expect(facetKey(match, { minPrice: 1 })).not.toBe(facetKey(match, { maxPrice: 1 }));
    expect(facetKey(match, { inStock: true })).not.toBe(facetKey(match, {}));
  });
});
