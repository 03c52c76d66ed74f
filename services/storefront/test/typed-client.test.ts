import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createStorefrontClient, type StorefrontClient } from '@bazaar/storefront-client';
import { ID, order, product } from './fixtures/answers.js';
import { startHarness, type Harness } from './fixtures/storefront.js';

// The typed client (@bazaar/storefront-client) is generated from the committed document; these
// tests hold that document to what this storefront serves, and drive calls through the client
// (openapi-fetch, Node's fetch) against the storefront listening on a real port.
const SNAPSHOT = resolve(__dirname, '../../../contracts-snapshots/openapi/storefront.json');

describe('the typed storefront client', () => {
  let h: Harness;
  let client: StorefrontClient;

  beforeAll(async () => {
    h = await startHarness();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as AddressInfo;
    client = createStorefrontClient({ baseUrl: `http://127.0.0.1:${port}` });
  });
  afterAll(() => h.close());
  beforeEach(() => Object.values(h.fakes).forEach((fake) => fake.reset()));

  it('when the served document is compared with the one the client is generated from, then paths and schemas are the same', async () => {
    const served = (await h.app.inject({ url: '/docs/json' })).json();
    const committed = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    // After a change to the storefront's API: `pnpm --filter @bazaar/delivery-tests contracts:update`.
    expect({ paths: served.paths, components: served.components }).toEqual({
      paths: committed.paths,
      components: committed.components,
    });
  });

  it('when a product is read through the client, then the answer is typed as the document says', async () => {
    h.fakes.catalog.reply('GET /v1/products/:id', 200, product);
    const { data, error, response } = await client.GET('/v1/products/{id}', {
      params: { path: { id: ID } },
    });
    expect([response.status, error]).toEqual([200, undefined]);
    // `data.price.amount` compiles only because the document promises it.
    expect([data?.name, data?.price.amount, data?.stock.available]).toEqual([
      'Enamel mug',
      1299,
      7,
    ]);
  });

  it('when an order is placed through the client with a card, then its key and body reach orders and the 202 is the order', async () => {
    const token = await h.bearer('01936f5e-0000-7000-8000-000000000001');
    h.fakes.payments.reply('POST /internal/payment-methods', 201, {
      id: ID,
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2035,
    });
    h.fakes.orders.reply('POST /v1/orders', 202, order);
    const { data, response } = await client.POST('/v1/orders', {
      params: { header: { 'idempotency-key': '5b0f3c1e-1c4b-4d7e-9a3f-2f6a1b0c9e01' } },
      headers: { authorization: token },
      body: {
        items: [{ productId: ID, quantity: 1 }],
        shippingAddress: {
          name: 'Ada Lovelace',
          line1: '12 Market Street',
          city: 'Lyon',
          postalCode: '69001',
          country: 'FR',
        },
        payment: { card: { number: '4242424242424242', expMonth: 12, expYear: 2035, cvc: '123' } },
      },
    });
    expect(response.status).toBe(202);
    expect(data?.id).toBe(order.id);
    const [placed] = h.fakes.orders.received;
    expect(placed.headers['idempotency-key']).toBe('5b0f3c1e-1c4b-4d7e-9a3f-2f6a1b0c9e01');
  });

  it('when the client sends what the document refuses, then the 400 problem comes back as its typed error', async () => {
    const { data, error, response } = await client.GET('/v1/search', {
      params: { query: { limit: 1000 } },
    });
    expect([response.status, data]).toEqual([400, undefined]);
    expect(error?.status).toBe(400);
    expect(error?.errors?.length).toBeGreaterThan(0);
  });
});
