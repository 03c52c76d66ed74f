import type { InjectOptions } from 'fastify';
import { sendJson } from '@bazaar/service-kit/testing';
import { product } from './fixtures/answers.js';
import { startHarness, type Harness } from './fixtures/storefront.js';

const SHOPPER = '01936f5e-0000-7000-8000-000000000001';
const ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';
const address = { name: 'Ada', line1: '1 Rue', city: 'Lyon', postalCode: '69001', country: 'FR' };
const card = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

/**
 * The requests of issue #16 that reached Postgres and came back as 500s, opening breakers for
 * every shopper: the storefront refuses them itself, and 4xx answers of a service never open
 * the breaker to it.
 */
describe('storefront hostile input', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));

  const upstreamCalls = () => Object.values(h.fakes).reduce((n, f) => n + f.received.length, 0);

  const expectRefused = async (options: InjectOptions, field: string) => {
    const response = await h.app.inject(options);
    expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  };

  it('when an anonymous request carries a urn:uuid id or a NUL, then 400 and no service is called', async () => {
    await expectRefused(
      { method: 'PUT', url: `/v1/carts/${ID}/items/urn:uuid:${ID}`, payload: { quantity: 1 } },
      'params.productId',
    );
    await expectRefused({ url: `/v1/products/urn:uuid:${ID}` }, 'params.id');
    await expectRefused({ url: `/v1/search?category=urn:uuid:${ID}` }, 'querystring.category');
    await expectRefused({ url: '/v1/products?brand=%00' }, 'querystring.brand');
    await expectRefused({ url: '/v1/products?minPrice=1e19' }, 'querystring.minPrice');
    expect(upstreamCalls()).toBe(0);
  });

  it('when a shopper checks out with a NUL in the shipping name, then 400 before the card is exchanged', async () => {
    await expectRefused(
      {
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization: await h.bearer(SHOPPER), 'idempotency-key': 'k-nul' },
        payload: {
          items: [{ productId: ID, quantity: 1 }],
          shippingAddress: { ...address, name: '\u0000' },
          payment: { card },
        },
      },
      'body.shippingAddress.name',
    );
    await expectRefused(
      {
        method: 'DELETE',
        url: `/v1/me/addresses/urn:uuid:${ID}`,
        headers: { authorization: await h.bearer(SHOPPER) },
      },
      'params.id',
    );
    expect(upstreamCalls()).toBe(0);
  });

  it('when a service keeps refusing requests with 4xx, then its breaker stays closed for everyone', async () => {
    h.fakes.catalog.on('GET /v1/products/:id', (received, response) =>
      received.path.endsWith(ID)
        ? sendJson(response, 200, product)
        : sendJson(response, 400, { status: 400, title: 'Bad Request', code: 'INVALID_VALUE' }),
    );
    const other = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e78';
    for (let i = 0; i < 30; i++) {
      expect((await h.app.inject({ url: `/v1/products/${other}` })).statusCode).toBe(400);
    }
    expect(h.fakes.catalog.received).toHaveLength(30);
    const response = await h.app.inject({
      url: `/v1/products/${ID}`,
      headers: { 'cache-control': 'no-cache' },
    });
    expect(response.statusCode).toBe(200);
  });
});
