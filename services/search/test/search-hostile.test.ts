import { indexAll, product } from './fixtures/products.js';
import { searchVia, startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

describe('hostile and odd input', () => {
  let ctx: SearchTestContext;

  beforeAll(async () => {
    ctx = await startSearchApp('search_hostile');
    await indexAll(ctx.database.db, [
      product({ name: 'Plain kettle', brand: 'Acme' }),
      product({ name: 'Drop table lamp', brand: "O'Reilly" }),
      product({ name: '東京 tea cup', brand: 'Kyoto' }),
    ]);
  }, 60_000);
  afterAll(() => ctx.close());

  const queries: [string, string][] = [
    ['SQL injection', "'; drop table search_documents; --"],
    ['SQL tautology', "' or 1=1 --"],
    ['SQL comment and union', '1 union select * from pg_user /*'],
    ['tsquery operators', "a & b | !c <-> d:* & 'e'"],
    ['tsquery syntax only', "():*&|!<->''"],
    ['lone quote', "'"],
    ['backslashes', '\\\\ \\x00 \\'],
    ['like wildcards', '%_%'],
    ['only punctuation', '!!!???...,,,;;;'],
    ['empty', ''],
    ['whitespace', '   \t  '],
    ['unicode words', '東京'],
    ['emoji', '🙂🔥💯'],
    ['right-to-left override', '\u202ekettle'],
    ['zero-width joiners', 'ket\u200dtle'],
    ['combining marks only', '\u0301\u0301\u0301'],
    ['fullwidth letters', 'ｋｅｔｔｌｅ'],
    ['very long word', 'k'.repeat(200)],
    ['many words', 'a '.repeat(100)],
    ['digits', '0 00 1e309 -1'],
    ['surrogate halves', '\ud800\udfff\ud83d'],
  ];

  it.each(queries)('when the query is %s, then it gets results, never a 5xx', async (_name, q) => {
    const response = await searchVia(ctx.app, { q });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Array.isArray(body.items)).toBe(true);
    expect(typeof body.total).toBe('number');
  });

  it('when an injected query names a table, then the table is still there and still searchable', async () => {
    await searchVia(ctx.app, { q: "'; drop table search_documents; --" });
    const response = await searchVia(ctx.app, { q: 'drop table' });
    expect(response.json().items.map((i: { name: string }) => i.name)).toEqual(['Drop table lamp']);
  });

  it('when the query is 10,000 characters, then it is a 400 naming the field', async () => {
    const response = await searchVia(ctx.app, { q: 'x'.repeat(10_000) });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json().errors[0].field).toBe('querystring.q');
  });

  it('when the query is 201 characters, then it is a 400; at 200 it is answered', async () => {
    expect((await searchVia(ctx.app, { q: 'k'.repeat(201) })).statusCode).toBe(400);
    expect((await searchVia(ctx.app, { q: 'k'.repeat(200) })).statusCode).toBe(200);
  });

  it('when the query string is malformed, then it is answered or refused, never a 5xx', async () => {
    for (const raw of ['q=%', 'q=%ff%fe', 'q=%E0%A4%A', 'q[]=a&q[]=b', 'q=a&q=b', '%%%=1', 'q']) {
      const response = await ctx.app.inject({ url: `/v1/search?${raw}` });
      expect([200, 400]).toContain(response.statusCode);
    }
  });

  const badParams: [string, Record<string, string>][] = [
    ['a category that is not an id', { category: "1' or '1'='1" }],
    ['an unknown sort', { sort: 'name; drop table x' }],
    ['a limit of zero', { limit: '0' }],
    ['a limit too large', { limit: '1000' }],
    ['a limit that is not a number', { limit: 'ten' }],
    ['a negative price', { minPrice: '-1' }],
    ['a price beyond any amount', { maxPrice: '1e100' }],
    ['a fractional price', { minPrice: '9.99' }],
    ['an in-stock flag that is not a boolean', { inStock: 'maybe' }],
    ['a brand too long', { brand: 'b'.repeat(101) }],
    ['a garbage cursor', { cursor: '%%%not-base64%%%' }],
    ['a cursor of JSON garbage', { cursor: Buffer.from('{"v":1}').toString('base64url') }],
    ['a cursor too long', { cursor: 'a'.repeat(600) }],
  ];

  it.each(badParams)('when the request has %s, then it is a 400 problem', async (_name, params) => {
    const response = await searchVia(ctx.app, params);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, type: expect.any(String) });
  });

  it('when a brand holds SQL, then it is only a brand that matches nothing', async () => {
    const response = await searchVia(ctx.app, { brand: "Acme' or '1'='1" });
    expect(response.statusCode).toBe(200);
    expect(response.json().total).toBe(0);
    const quoted = await searchVia(ctx.app, { brand: "O'Reilly" });
    expect(quoted.json().total).toBe(1);
  });

  it('when a forged cursor carries a key Postgres cannot read, then it is a 400', async () => {
    const { nextCursor } = (await searchVia(ctx.app, { sort: 'newest', limit: 1 })).json();
    const payload = JSON.parse(Buffer.from(nextCursor, 'base64url').toString());
    for (const key of ['2026-02-30T00:00:00.000000Z', "x'; drop table t; --", '']) {
      const forged = Buffer.from(JSON.stringify({ ...payload, k: key })).toString('base64url');
      const response = await searchVia(ctx.app, { sort: 'newest', limit: 1, cursor: forged });
      expect(response.statusCode).toBe(400);
    }
  });
});
