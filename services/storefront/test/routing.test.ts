import { sendJson } from '@bazaar/service-kit/testing';
import { startHarness, type Harness } from './fixtures/storefront.js';

const PRODUCT_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';
const SHOPPER = '01936f5e-0000-7000-8000-000000000001';

const product = {
  id: PRODUCT_ID,
  sku: 'MUG-001',
  name: 'Enamel mug',
  description: 'Blue',
  categoryId: null,
  brand: 'Bazaar Basics',
  price: { amount: 1299, currency: 'EUR' },
  stock: { available: 7 },
  attributes: {},
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  version: 3,
};

describe('storefront routing', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));

  it('when a product is read, then catalog answers it and internal fields stay inside', async () => {
    h.fakes.catalog.reply('GET /v1/products/:id', 200, { ...product, internalNote: 'secret' });
    const response = await h.app.inject({
      url: `/v1/products/${PRODUCT_ID}`,
      headers: { 'x-request-id': 'req-42' },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ id: PRODUCT_ID, stock: { available: 7 } });
    expect(body.internalNote).toBeUndefined();
    expect(body.version).toBeUndefined();
    const [received] = h.fakes.catalog.received;
    expect(received.path).toBe(`/v1/products/${PRODUCT_ID}`);
    expect(received.headers['x-request-id']).toBe('req-42');
  });

  it('when catalog answers the public product type, then its text is served as it is, as JSON, with its caching headers', async () => {
    const type = 'application/vnd.bazaar.public-product+json';
    const { version: _version, ...published } = { ...product, id: SHOPPER };
    const text = JSON.stringify(published);
    h.fakes.catalog.on('GET /v1/products/:id', (_request, response) => {
      response.writeHead(200, {
        'content-type': `${type}; charset=utf-8`,
        'cache-control': 'public, max-age=5',
      });
      response.end(text);
    });
    const response = await h.app.inject({ url: `/v1/products/${SHOPPER}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=5');
    expect(response.body).toBe(text);
    expect(h.fakes.catalog.received[0].headers.accept).toBe(type);
    // Kept as it came: a second read within the max-age is answered from the cache, as it is.
    const again = await h.app.inject({ url: `/v1/products/${SHOPPER}` });
    expect(again.body).toBe(text);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(h.fakes.catalog.received).toHaveLength(1);
  });

  it('when products are listed with filters, then the validated query is passed on', async () => {
    h.fakes.catalog.reply('GET /v1/products', 200, { items: [product], nextCursor: 'abc' });
    const response = await h.app.inject({
      url: '/v1/products?category=kitchen&minPrice=100&limit=5',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().nextCursor).toBe('abc');
    const query = new URLSearchParams(h.fakes.catalog.received[0].query);
    expect(Object.fromEntries(query)).toEqual({ category: 'kitchen', minPrice: '100', limit: '5' });
  });

  it('when the query is invalid, then it is a 400 here and no service is called', async () => {
    const response = await h.app.inject({ url: '/v1/products?limit=1000' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toContain('limit');
    expect(h.fakes.catalog.received).toHaveLength(0);
  });

  it('when catalog says 404, then the shopper gets that 404 as problem+json at the public path', async () => {
    h.fakes.catalog.reply('GET /v1/products/:id', 404, {
      type: 'https://bazaar.dev/problems/catalog-product-not-found',
      title: 'Product not found',
      status: 404,
      detail: `no product ${PRODUCT_ID}`,
      instance: 'http://10.0.0.7:8081/v1/products/x',
      code: 'CATALOG_PRODUCT_NOT_FOUND',
      stack: 'Error: at /app/services/catalog/src/x.ts:1',
    });
    const response = await h.app.inject({ url: `/v1/products/${PRODUCT_ID}` });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({
      type: 'https://bazaar.dev/problems/catalog-product-not-found',
      title: 'Product not found',
      status: 404,
      code: 'CATALOG_PRODUCT_NOT_FOUND',
      instance: `/v1/products/${PRODUCT_ID}`,
    });
    expect(problem.stack).toBeUndefined();
    expect(response.body).not.toContain('10.0.0.7');
  });

  it('when a service answers 4xx with no body, then a problem is made for it', async () => {
    h.fakes.search.reply('GET /v1/search', 400);
    const response = await h.app.inject({ url: '/v1/search?q=mug' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, title: 'Request refused' });
  });

  it('when search is asked, then query and answer pass through', async () => {
    const answer = {
      items: [
        { ...product, highlight: { name: '<mark>Enamel</mark> mug', description: '' }, score: 3.2 },
      ],
      total: 1,
      facets: {
        category: [],
        brand: [{ value: 'Bazaar Basics', count: 1 }],
        price: [{ min: 0, max: 2000, count: 1 }],
      },
      nextCursor: null,
    };
    h.fakes.search.reply('GET /v1/search', 200, answer);
    const response = await h.app.inject({
      url: '/v1/search?q=mgu&inStock=true&sort=price_asc&brand=A&brand=B',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      total: 1,
      facets: { brand: [{ value: 'Bazaar Basics', count: 1 }] },
    });
    const query = new URLSearchParams(h.fakes.search.received[0].query);
    expect(query.get('q')).toBe('mgu');
    expect(query.getAll('brand')).toEqual(['A', 'B']);
    expect(response.json().items[0].score).toBeUndefined();
  });

  it('when a dependency is down, then 503 problem+json with Retry-After and no internal address', async () => {
    await h.fakes.catalog.close(); // closing it again in afterAll is harmless
    const response = await h.app.inject({ url: '/v1/categories' });
    expect(response.statusCode).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(response.json()).toMatchObject({
      status: 503,
      code: 'STOREFRONT_DEPENDENCY_UNAVAILABLE',
    });
    expect(response.body).not.toContain('127.0.0.1');
    expect(response.body).not.toContain('catalog');
  });

  it('when a service keeps failing with 5xx, then the shopper gets 503 with its Retry-After', async () => {
    h.fakes.search.on('GET /v1/search', (_r, response) =>
      sendJson(
        response,
        503,
        { status: 503, title: 'busy', detail: 'pool exhausted at 10.1.1.1' },
        { 'retry-after': '9' },
      ),
    );
    const response = await h.app.inject({ url: '/v1/search?q=mug' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('9');
    expect(response.body).not.toContain('10.1.1.1');
    expect(h.fakes.search.received.length).toBe(3); // a read is retried
  });

  it('when a shopper reads their profile, then their token is passed on to users', async () => {
    const authorization = await h.bearer(SHOPPER);
    h.fakes.users.reply('GET /v1/me', 200, {
      id: SHOPPER,
      email: 'ada@example.com',
      name: 'Ada',
      roles: ['customer'],
      createdAt: '2026-11-22T10:00:00.000Z',
      passwordHash: '$argon2id$...',
    });
    const response = await h.app.inject({ url: '/v1/me', headers: { authorization } });
    expect(response.statusCode).toBe(200);
    expect(response.json().passwordHash).toBeUndefined();
    expect(h.fakes.users.received[0].headers.authorization).toBe(authorization);
  });

  it('when a shopper adds and deletes an address, then users answers with 201 and 204', async () => {
    const authorization = await h.bearer(SHOPPER);
    const address = {
      name: 'Ada',
      line1: '1 Rue',
      city: 'Lyon',
      postalCode: '69001',
      country: 'FR',
    };
    h.fakes.users.reply(
      'POST /v1/me/addresses',
      201,
      { id: PRODUCT_ID, ...address, createdAt: '2026-11-22T10:00:00.000Z' },
      { location: 'http://10.0.0.3:8083/v1/me/addresses/x' },
    );
    h.fakes.users.reply('DELETE /v1/me/addresses/:id', 204);
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/me/addresses',
      headers: { authorization },
      payload: address,
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/v1/me/addresses/x');
    const deleted = await h.app.inject({
      method: 'DELETE',
      url: `/v1/me/addresses/${PRODUCT_ID}`,
      headers: { authorization },
    });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
  });

  it('when someone registers, then users answers with tokens and the body went through as sent', async () => {
    const tokens = {
      accessToken: 'a',
      refreshToken: 'r',
      expiresIn: 900,
      user: {
        id: SHOPPER,
        email: 'ada@example.com',
        name: 'Ada',
        roles: ['customer'],
        createdAt: '2026-11-22T10:00:00.000Z',
      },
    };
    h.fakes.users.reply('POST /v1/auth/register', 201, tokens);
    const body = { email: 'ada@example.com', password: 'correct horse', name: 'Ada' };
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: body,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ accessToken: 'a', user: { email: 'ada@example.com' } });
    expect(h.fakes.users.received[0].body).toEqual(body);
  });

  it('when a cart item is set anonymously, then orders gets it without a token', async () => {
    const cart = {
      id: PRODUCT_ID,
      orderId: null,
      items: [],
      missing: [],
      total: { amount: 0, currency: 'EUR' },
      createdAt: '2026-11-22T10:00:00.000Z',
      updatedAt: '2026-11-22T10:00:00.000Z',
    };
    h.fakes.orders.reply('PUT /v1/carts/:id/items/:productId', 200, cart);
    const response = await h.app.inject({
      method: 'PUT',
      url: `/v1/carts/${PRODUCT_ID}/items/${PRODUCT_ID}`,
      payload: { quantity: 2 },
    });
    expect(response.statusCode).toBe(200);
    expect(h.fakes.orders.received[0]).toMatchObject({
      method: 'PUT',
      path: `/v1/carts/${PRODUCT_ID}/items/${PRODUCT_ID}`,
      body: { quantity: 2 },
    });
    expect(h.fakes.orders.received[0].headers.authorization).toBeUndefined();
  });

  it('when a signed webhook arrives, then payments gets the exact bytes and the signature', async () => {
    h.fakes.payments.reply('POST /v1/payments/webhooks/:provider', 200, {
      received: true,
      eventId: 'evt_1',
      duplicate: false,
      outcome: 'applied',
    });
    const raw = '{"id":"evt_1",  "type":"payment.captured"}';
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/payments/webhooks/test',
      headers: { 'content-type': 'application/json', 'bazaar-signature': 't=1,v1=abc' },
      payload: raw,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      received: true,
      eventId: 'evt_1',
      duplicate: false,
      outcome: 'applied',
    });
    const [received] = h.fakes.payments.received;
    expect(received.raw).toBe(raw);
    expect(received.headers['bazaar-signature']).toBe('t=1,v1=abc');
  });
});
