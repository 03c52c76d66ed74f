import type { UpstreamName } from '../src/clients/upstreams.js';
import * as answers from './fixtures/answers.js';
import { startHarness, type Harness } from './fixtures/storefront.js';

const { ID } = answers;

interface Case {
  route: string;
  who: 'anyone' | 'customer' | 'admin';
  body?: object;
  upstream: UpstreamName;
  status: number;
  answer?: unknown;
  /** A field the public schema drops from the answer. */
  hidden?: string;
}

const cases: Case[] = [
  {
    route: 'POST /v1/auth/login',
    who: 'anyone',
    body: { email: 'ada@example.com', password: 'x' },
    upstream: 'users',
    status: 200,
    answer: answers.tokens,
  },
  {
    route: 'POST /v1/auth/refresh',
    who: 'anyone',
    body: { refreshToken: 'r' },
    upstream: 'users',
    status: 200,
    answer: answers.tokens,
  },
  {
    route: 'POST /v1/auth/logout',
    who: 'customer',
    body: { refreshToken: 'r' },
    upstream: 'users',
    status: 204,
  },
  {
    route: 'PATCH /v1/me',
    who: 'customer',
    body: { name: 'Ada King' },
    upstream: 'users',
    status: 200,
    answer: answers.user,
  },
  {
    route: 'GET /v1/me/addresses',
    who: 'customer',
    upstream: 'users',
    status: 200,
    answer: { items: [answers.savedAddress], nextCursor: null },
  },
  {
    route: 'GET /v1/categories',
    who: 'anyone',
    upstream: 'catalog',
    status: 200,
    answer: { items: [{ id: ID, slug: 'kitchen', name: 'Kitchen', parentId: null, children: [] }] },
  },
  { route: 'POST /v1/carts', who: 'anyone', upstream: 'orders', status: 201, answer: answers.cart },
  {
    route: `GET /v1/carts/${ID}`,
    who: 'customer',
    upstream: 'orders',
    status: 200,
    answer: answers.cart,
  },
  {
    route: 'GET /v1/orders',
    who: 'customer',
    upstream: 'orders',
    status: 200,
    answer: { items: [answers.order], nextCursor: null },
    hidden: 'userId',
  },
  {
    route: `POST /v1/orders/${ID}/cancel`,
    who: 'customer',
    upstream: 'orders',
    status: 200,
    answer: answers.order,
    hidden: 'userId',
  },
  {
    route: `GET /v1/orders/${ID}/payments`,
    who: 'customer',
    upstream: 'payments',
    status: 200,
    answer: answers.ledger,
    hidden: 'providerReference',
  },
  {
    route: 'POST /v1/admin/products',
    who: 'admin',
    body: {
      sku: 'MUG-001',
      name: 'Mug',
      brand: 'B',
      price: { amount: 1, currency: 'EUR' },
      stock: 3,
    },
    upstream: 'catalog',
    status: 201,
    answer: answers.product,
  },
  {
    route: `PATCH /v1/admin/products/${ID}`,
    who: 'admin',
    body: { name: 'Mug 2' },
    upstream: 'catalog',
    status: 200,
    answer: answers.product,
  },
  { route: `DELETE /v1/admin/products/${ID}`, who: 'admin', upstream: 'catalog', status: 204 },
  {
    route: `PUT /v1/admin/products/${ID}/stock`,
    who: 'admin',
    body: { available: 4 },
    upstream: 'catalog',
    status: 200,
    answer: answers.product,
  },
  {
    route: `POST /v1/admin/orders/${ID}/ship`,
    who: 'admin',
    upstream: 'orders',
    status: 200,
    answer: answers.order,
  },
  {
    route: `GET /v1/admin/orders/${ID}/payments`,
    who: 'admin',
    upstream: 'payments',
    status: 200,
    answer: answers.ledger,
  },
];

describe('storefront forwarding', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));

  it.each(cases)(
    'when $who calls $route, then $upstream answers it at the same path',
    async (c) => {
      const [method, url] = c.route.split(' ');
      h.fakes[c.upstream].reply(`${method} ${url}`, c.status, c.answer);
      const authorization =
        c.who === 'anyone'
          ? undefined
          : await h.bearer(answers.USER_ID, [c.who === 'admin' ? 'admin' : 'customer']);
      const response = await h.app.inject({
        method: method as 'GET',
        url,
        headers: authorization ? { authorization } : {},
        ...(c.body ? { payload: c.body } : {}),
      });
      expect(response.statusCode).toBe(c.status);
      const [received] = h.fakes[c.upstream].received;
      expect({ method: received.method, path: received.path }).toEqual({ method, path: url });
      expect(received.headers.authorization).toBe(authorization);
      expect(received.body ?? {}).toEqual(c.body ?? {});
      expect(response.body === '').toBe(c.answer === undefined);
      expect(response.body).not.toContain(`"${c.hidden ?? 'internalOnly'}"`);
    },
  );

  it('when orders is down, then the event stream is a 503 with Retry-After', async () => {
    await h.fakes.orders.close();
    const response = await h.app.inject({
      url: `/v1/orders/${ID}/events`,
      headers: { authorization: await h.bearer(answers.USER_ID) },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('STOREFRONT_DEPENDENCY_UNAVAILABLE');
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
