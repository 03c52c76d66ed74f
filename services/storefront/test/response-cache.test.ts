import { ResponseCache, sharedMaxAge } from '../src/clients/response-cache.js';
import * as answers from './fixtures/answers.js';
import { startHarness, type Harness } from './fixtures/storefront.js';

const { ID } = answers;
const answer = (status: number, cacheControl?: string) => ({
  status,
  headers: cacheControl ? { 'cache-control': cacheControl } : {},
  body: { id: ID },
});

describe('response cache', () => {
  it('when a service says public with a max-age, then the answer is kept that long', () => {
    let now = 1_000_000;
    const cache = new ResponseCache(10, () => now);
    expect(cache.set('a', answer(200, 'public, max-age=5'))).toBe(true);
    now += 2_500;
    expect(cache.get('a')).toMatchObject({ status: 200, headers: { age: '2' } });
    now += 2_500;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('when an answer is not public, not fresh or not a 200, then it is not kept', () => {
    const cache = new ResponseCache(10);
    expect(cache.set('a', answer(200))).toBe(false);
    expect(cache.set('b', answer(200, 'private, max-age=60'))).toBe(false);
    expect(cache.set('c', answer(200, 'public, no-store, max-age=60'))).toBe(false);
    expect(cache.set('d', answer(404, 'public, max-age=60'))).toBe(false);
    expect(cache.set('e', answer(200, 'public, max-age=0'))).toBe(false);
    expect(new ResponseCache(0).set('f', answer(200, 'public, max-age=5'))).toBe(false);
    expect(cache.size).toBe(0);
    expect(sharedMaxAge({ 'cache-control': 'Public, Max-Age=30' })).toBe(30);
  });

  it('when it is full, then the oldest entry goes first', () => {
    const cache = new ResponseCache(2);
    for (const key of ['a', 'b', 'c']) cache.set(key, answer(200, 'public, max-age=60'));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([
      false,
      true,
      true,
    ]);
  });
});

describe('storefront reads through the cache', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));

  const read = (headers: Record<string, string> = {}) =>
    h.app.inject({ url: `/v1/products/${ID}`, headers });

  it('when catalog marks a product shareable, then anonymous reads within its max-age do not reach catalog', async () => {
    h.fakes.catalog.reply(`GET /v1/products/${ID}`, 200, answers.product, {
      'cache-control': 'public, max-age=30',
    });
    const first = await read();
    const second = await read();
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['cache-control']).toBe('public, max-age=30');
    // Whole seconds since catalog answered (exact ages: the ResponseCache tests above, on a fake
    // clock); a loaded machine may take a second between the two reads.
    expect(second.headers.age).toMatch(/^\d+$/);
    expect(Number(second.headers.age)).toBeLessThan(30);
    expect(h.fakes.catalog.received).toHaveLength(1);

    // A reload asks for a fresh answer, and refreshes the kept one.
    const renamed = { ...answers.product, name: 'Renamed' };
    h.fakes.catalog.reply(`GET /v1/products/${ID}`, 200, renamed, {
      'cache-control': 'public, max-age=30',
    });
    expect((await read({ 'cache-control': 'no-cache' })).json()).toMatchObject({ name: 'Renamed' });
    expect(h.fakes.catalog.received).toHaveLength(2);
    expect(h.fakes.catalog.received[1]!.headers['cache-control']).toBe('no-cache');
    expect((await read()).json()).toMatchObject({ name: 'Renamed' });
    expect(h.fakes.catalog.received).toHaveLength(2);
  });

  it('when a shopper sends a token, or catalog does not mark the answer, then every read reaches catalog', async () => {
    h.fakes.catalog.reply(`GET /v1/products/${ID}`, 200, answers.product, {
      'cache-control': 'public, max-age=30',
    });
    const authorization = await h.bearer(answers.USER_ID);
    await read({ authorization });
    await read({ authorization });
    expect(h.fakes.catalog.received).toHaveLength(2);

    const unmarked = '01900000-0000-7000-8000-0000000000aa';
    h.fakes.catalog.reply(`GET /v1/products/${unmarked}`, 200, {
      ...answers.product,
      id: unmarked,
    });
    await h.app.inject({ url: `/v1/products/${unmarked}` });
    await h.app.inject({ url: `/v1/products/${unmarked}` });
    expect(h.fakes.catalog.received).toHaveLength(4);
  });
});
