import { startHarness, type Harness } from './fixtures/storefront.js';

const ORDER_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';
const SHOPPER = '01936f5e-0000-7000-8000-000000000001';

describe('storefront guards', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));

  it('when an order is asked for without a token, then 401 and orders is never called', async () => {
    const response = await h.app.inject({ url: `/v1/orders/${ORDER_ID}` });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when the token is forged, then 401', async () => {
    const forged = (await h.bearer(SHOPPER)).replace(/.{4}$/, 'AAAA');
    const response = await h.app.inject({ url: '/v1/orders', headers: { authorization: forged } });
    expect(response.statusCode).toBe(401);
  });

  it('when checkout has no token and a bad body, then 401 comes before 400', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/orders',
      payload: { nonsense: true },
    });
    expect(response.statusCode).toBe(401);
  });

  it('when a customer calls an admin route, then 403 and no service is called', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: `/v1/admin/products/${ORDER_ID}/stock`,
      headers: { authorization: await h.bearer(SHOPPER) },
      payload: { available: 5 },
    });
    expect(response.statusCode).toBe(403);
    expect(h.fakes.catalog.received).toHaveLength(0);
  });

  it('when an admin calls an admin route, then it is forwarded with the admin token', async () => {
    const authorization = await h.bearer(SHOPPER, ['admin']);
    h.fakes.orders.reply('GET /v1/admin/orders', 200, { items: [], nextCursor: null });
    const response = await h.app.inject({
      url: '/v1/admin/orders?status=confirmed',
      headers: { authorization },
    });
    expect(response.statusCode).toBe(200);
    expect(h.fakes.orders.received[0].headers.authorization).toBe(authorization);
    expect(h.fakes.orders.received[0].query).toBe('?status=confirmed&limit=20');
  });

  it('when orders says another shopper’s order is not found, then 404 passes through', async () => {
    h.fakes.orders.reply('GET /v1/orders/:id', 404, {
      type: 'https://bazaar.dev/problems/orders-not-found',
      title: 'Order not found',
      status: 404,
    });
    const response = await h.app.inject({
      url: `/v1/orders/${ORDER_ID}`,
      headers: { authorization: await h.bearer(SHOPPER) },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().title).toBe('Order not found');
  });
});
