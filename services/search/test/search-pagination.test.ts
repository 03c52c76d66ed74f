import { indexAll, product } from './fixtures/products.js';
import { searchVia, startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

/*
 * 41 products with many ties: four prices, three creation times, and names that give a few
 * distinct relevance scores, so every page boundary falls inside a run of equal sort keys.
 */
const PRICES = [500, 1500, 1500, 9900];
const TIMES = ['2026-03-01T10:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-02T10:00:00.000Z'];
const docs = Array.from({ length: 41 }, (_, i) =>
  product({
    name: i % 5 === 0 ? `Widget widget gizmo ${i}` : `Widget ${i}`,
    brand: 'Paging',
    price: PRICES[i % PRICES.length],
    createdAt: TIMES[i % TIMES.length],
    updatedAt: TIMES[i % TIMES.length],
  }),
);

describe('pagination', () => {
  let ctx: SearchTestContext;

  beforeAll(async () => {
    ctx = await startSearchApp('search_paging');
    await indexAll(ctx.database.db, docs);
  }, 60_000);
  afterAll(() => ctx.close());

  type Params = Record<string, string | number>;
  async function walk(params: Params, limit: number) {
    const pages: { items: { id: string }[]; total: number }[] = [];
    let cursor: string | undefined;
    do {
      const response = await searchVia(ctx.app, { ...params, limit, cursor });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.items.length).toBeLessThanOrEqual(limit);
      pages.push(body);
      cursor = body.nextCursor ?? undefined;
    } while (cursor && pages.length < 50);
    return pages;
  }

  const orders: [string, Params][] = [
    ['relevance', { q: 'widget', sort: 'relevance' }],
    ['relevance with a typo', { q: 'widgt', sort: 'relevance' }],
    ['price ascending', { sort: 'price_asc' }],
    ['price descending', { q: 'widget', sort: 'price_desc' }],
    ['newest', { sort: 'newest' }],
    ['relevance without text', { sort: 'relevance', brand: 'Paging' }],
  ];

  it.each(orders)(
    'when %s is read page by page, then every product comes once, in the one-page order',
    async (_name, params) => {
      const whole = (await searchVia(ctx.app, { ...params, limit: 100 })).json();
      expect(whole.items).toHaveLength(41);
      expect(whole.nextCursor).toBeNull();
      const pages = await walk(params, 7);
      expect(pages).toHaveLength(6);
      const paged = pages.flatMap((page) => page.items.map((item) => item.id));
      expect(new Set(paged).size).toBe(paged.length);
      expect(paged).toEqual(whole.items.map((item: { id: string }) => item.id));
      expect(pages.every((page) => page.total === 41)).toBe(true);
    },
  );

  it('when products are added while paging, then the pages still never repeat or skip a product', async () => {
    const first = (
      await searchVia(ctx.app, { sort: 'price_asc', brand: 'Paging', limit: 10 })
    ).json();
    // Cheaper than everything: sorts before the cursor, so it cannot push rows across pages.
    await indexAll(ctx.database.db, [product({ name: 'Widget late', brand: 'Paging', price: 1 })]);
    const seen: string[] = first.items.map((item: { id: string }) => item.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const body = (
        await searchVia(ctx.app, { sort: 'price_asc', brand: 'Paging', limit: 10, cursor })
      ).json();
      seen.push(...body.items.map((item: { id: string }) => item.id));
      cursor = body.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(docs.map((doc) => doc.id)));
  });

  it('when a cursor is used with another query, filter or sort, then it is a 400', async () => {
    const { nextCursor } = (await searchVia(ctx.app, { q: 'widget', limit: 5 })).json();
    for (const other of [
      { q: 'gizmo', cursor: nextCursor },
      { q: 'widget', sort: 'newest', cursor: nextCursor },
      { q: 'widget', inStock: true, cursor: nextCursor },
    ]) {
      const response = await searchVia(ctx.app, other);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('SEARCH_INVALID_CURSOR');
    }
    expect(
      (await searchVia(ctx.app, { q: 'widget', limit: 9, cursor: nextCursor })).statusCode,
    ).toBe(200);
  });
});
