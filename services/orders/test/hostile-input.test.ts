import { v7 as uuidv7 } from 'uuid';
import { ADDRESS, countRows, paymentFor, startHarness, type Harness } from './fixtures/harness.js';

/**
 * Input the schemas used to accept and Postgres refuses (issue #16): each was a 500, and 500s
 * open the storefront's circuit breaker to orders (checkout then fails for everyone).
 */
describe('hostile input to orders', () => {
  let h: Harness;
  const ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';

  beforeAll(async () => {
    h = await startHarness('hostile');
  });
  afterAll(async () => {
    await h.close();
  });

  const expectRefused = (
    response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    field?: string,
  ) => {
    expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    if (field) {
      const { errors } = response.json() as { errors: { field: string }[] };
      expect(errors.map((e) => e.field)).toContain(field);
    }
  };

  it('when a cart item product id is a urn:uuid, then 400', async () => {
    const cart = await h.app.inject({ method: 'POST', url: '/v1/carts' });
    const response = await h.app.inject({
      method: 'PUT',
      url: `/v1/carts/${cart.json().id}/items/urn:uuid:${ID}`,
      payload: { quantity: 1 },
    });
    expectRefused(response, 'params.productId');
    expectRefused(await h.app.inject({ url: `/v1/carts/urn:uuid:${ID}` }), 'params.id');
  });

  it('when an order id is a urn:uuid, then reading, cancelling and shipping are 400', async () => {
    const shopper = await h.bearer();
    const admin = await h.bearer(undefined, ['admin']);
    expectRefused(
      await h.app.inject({ url: `/v1/orders/urn:uuid:${ID}`, headers: { authorization: shopper } }),
      'params.id',
    );
    expectRefused(
      await h.app.inject({
        method: 'POST',
        url: `/v1/orders/urn:uuid:${ID}/cancel`,
        headers: { authorization: shopper },
      }),
      'params.id',
    );
    expectRefused(
      await h.app.inject({
        method: 'POST',
        url: `/v1/admin/orders/urn:uuid:${ID}/ship`,
        headers: { authorization: admin },
      }),
      'params.id',
    );
  });

  it('when a shipping address holds U+0000 at checkout, then 400 and no order is written', async () => {
    const product = h.catalog.add();
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: await h.bearer(), 'idempotency-key': uuidv7() },
      payload: {
        items: [{ productId: product.productId, quantity: 1 }],
        shippingAddress: { ...ADDRESS, name: '\u0000' },
        payment: paymentFor(),
      },
    });
    expectRefused(response, 'body.shippingAddress.name');
    expect(await countRows(h.db, 'orders')).toBe(0);
  });

  it('when a checkout names a payment method by urn:uuid, then 400', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: await h.bearer(), 'idempotency-key': uuidv7() },
      payload: {
        items: [{ productId: h.catalog.add().productId, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: paymentFor(`urn:uuid:${ID}`),
      },
    });
    expectRefused(response, 'body.payment.methodId');
  });

  it('when an order-list cursor is forged, then 400', async () => {
    const shopper = await h.bearer();
    for (const before of ['-'.repeat(36), `urn:uuid:${ID}`, 7]) {
      const cursor = Buffer.from(JSON.stringify({ before })).toString('base64url');
      const response = await h.app.inject({
        url: `/v1/orders?cursor=${cursor}`,
        headers: { authorization: shopper },
      });
      expectRefused(response);
      expect(response.json()).toMatchObject({ code: 'ORDERS_INVALID_CURSOR' });
    }
  });
});
