import { v7 as uuidv7 } from 'uuid';
import { outboxRows } from '@bazaar/service-kit/testing';
import { ADDRESS, countRows, paymentFor, startHarness, type Harness } from './fixtures/harness.js';

describe('checkout (POST /v1/orders)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('checkout');
  });
  afterAll(async () => {
    await h.close();
  });

  const count = (table: string) => countRows(h.db, table);

  function checkout(bearer: string, key: string | undefined, body: object) {
    return h.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: bearer, ...(key ? { 'idempotency-key': key } : {}) },
      payload: body,
    });
  }

  it('when a shopper checks out items, then the order is pending at catalog prices with one outbox event', async () => {
    const a = h.catalog.add({ price: { amount: 1999, currency: 'EUR' } });
    const b = h.catalog.add({ price: { amount: 500, currency: 'EUR' } });
    const userId = uuidv7();
    const methodId = uuidv7();
    const response = await checkout(await h.bearer(userId), uuidv7(), {
      items: [
        { productId: a.productId, quantity: 2 },
        { productId: b.productId, quantity: 3 },
      ],
      shippingAddress: ADDRESS,
      payment: paymentFor(methodId),
    });

    expect(response.statusCode).toBe(202);
    const order = response.json();
    expect(order).toMatchObject({
      userId,
      status: 'pending',
      total: { amount: 2 * 1999 + 3 * 500, currency: 'EUR' },
      shippingAddress: ADDRESS,
      payment: { brand: 'visa', last4: '4242' },
      lines: [
        {
          productId: a.productId,
          sku: a.sku,
          quantity: 2,
          unitPrice: a.price,
          lineTotal: { amount: 3998, currency: 'EUR' },
        },
        { productId: b.productId, quantity: 3, lineTotal: { amount: 1500, currency: 'EUR' } },
      ],
      statusHistory: [{ status: 'pending', reason: 'placed' }],
    });
    expect(order.payment).not.toHaveProperty('methodId');

    const created = (await outboxRows(h.db, { type: 'order.created' })).find(
      (e) => e.data.orderId === order.id,
    );
    expect(created?.data).toEqual({
      orderId: order.id,
      userId,
      lines: [
        { productId: a.productId, quantity: 2, unitPrice: a.price },
        { productId: b.productId, quantity: 3, unitPrice: b.price },
      ],
      total: { amount: 5498, currency: 'EUR' },
      paymentMethodId: methodId,
    });
  });

  /** A shopper's checkout of one unit of a new product, under a new idempotency key. */
  async function oneItemCheckout() {
    const product = h.catalog.add();
    const body = {
      items: [{ productId: product.productId, quantity: 1 }],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    };
    return { product, bearer: await h.bearer(), key: uuidv7(), body };
  }

  it("when a shopper checks out, then catalog's price lookup carries the request's id and not the shopper's token", async () => {
    const product = h.catalog.add();
    const requestId = uuidv7();
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: {
        authorization: await h.bearer(uuidv7()),
        'idempotency-key': uuidv7(),
        'x-request-id': requestId,
      },
      payload: {
        items: [{ productId: product.productId, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: paymentFor(),
      },
    });

    expect(response.statusCode).toBe(202);
    const lookup = h.catalog.received.findLast(
      (request) =>
        request.path === '/internal/prices' &&
        (request.body as { productIds: string[] }).productIds.includes(product.productId),
    );
    expect(lookup?.headers['x-request-id']).toBe(requestId);
    expect(lookup?.headers).not.toHaveProperty('authorization');
  });

  it('when the same key and body are sent again, then the first answer comes back and no second order exists', async () => {
    const { product, bearer, key, body } = await oneItemCheckout();
    const first = await checkout(bearer, key, body);
    const ordersBefore = await count('orders');
    // Even when catalog's price changed meanwhile, the replay is the first answer.
    product.price = { amount: 1, currency: 'EUR' };
    const second = await checkout(bearer, key, body);

    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await count('orders')).toBe(ordersBefore);
  });

  it('when the same key comes with another body, then 422 and nothing new is written', async () => {
    const { product, bearer, key, body } = await oneItemCheckout();
    expect((await checkout(bearer, key, body)).statusCode).toBe(202);
    const ordersBefore = await count('orders');

    const response = await checkout(bearer, key, {
      ...body,
      items: [{ productId: product.productId, quantity: 2 }],
    });

    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe('ORDERS_IDEMPOTENCY_KEY_REUSED');
    expect(await count('orders')).toBe(ordersBefore);
  });

  it('when an order placed is sent again while catalog is down, then the first answer comes back', async () => {
    const { bearer, key, body } = await oneItemCheckout();
    const first = await checkout(bearer, key, body);
    h.catalog.fault({ status: 503 });
    let replay;
    try {
      replay = await checkout(bearer, key, body);
    } finally {
      h.catalog.fault(undefined);
    }
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
  });

  it('when a used key comes with another body that cannot be priced, then 422 for the key', async () => {
    const { bearer, key, body } = await oneItemCheckout();
    expect((await checkout(bearer, key, body)).statusCode).toBe(202);
    const response = await checkout(bearer, key, {
      ...body,
      items: [{ productId: uuidv7(), quantity: 1 }],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('ORDERS_IDEMPOTENCY_KEY_REUSED');
  });

  it('when another shopper uses the same key, then it is their own key and their own order', async () => {
    const product = h.catalog.add();
    const key = uuidv7();
    const body = {
      items: [{ productId: product.productId, quantity: 1 }],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    };
    const mine = await checkout(await h.bearer(), key, body);
    const theirs = await checkout(await h.bearer(), key, body);
    expect(theirs.statusCode).toBe(202);
    expect(theirs.json().id).not.toBe(mine.json().id);
  });

  it('when the same key and body arrive at once, then exactly one order is made and all get its answer', async () => {
    const product = h.catalog.add();
    const userId = uuidv7();
    const bearer = await h.bearer(userId);
    const key = uuidv7();
    const body = {
      items: [{ productId: product.productId, quantity: 1 }],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => checkout(bearer, key, body)),
    );

    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(202));
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    const rows = await h.db
      .selectFrom('orders')
      .select('id')
      .where('user_id', '=', userId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('when catalog is down, then 503 with Retry-After and nothing is written', async () => {
    const product = h.catalog.add();
    const before = await Promise.all([
      count('orders'),
      count('outbox_events'),
      count('idempotency_keys'),
    ]);
    h.catalog.fault({ status: 503 });
    try {
      const response = await checkout(await h.bearer(), uuidv7(), {
        items: [{ productId: product.productId, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: paymentFor(),
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(response.json().code).toBe('ORDERS_CATALOG_UNAVAILABLE');
    } finally {
      h.catalog.fault(undefined);
    }
    const after = await Promise.all([
      count('orders'),
      count('outbox_events'),
      count('idempotency_keys'),
    ]);
    expect(after).toEqual(before);
  });

  it('when catalog does not answer in time, then 503 too', async () => {
    const product = h.catalog.add();
    h.catalog.fault('hang');
    try {
      const response = await checkout(await h.bearer(), uuidv7(), {
        items: [{ productId: product.productId, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: paymentFor(),
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
    } finally {
      h.catalog.fault(undefined);
    }
  });

  it('when the client sends prices and a total, then they are ignored and catalog prices are charged', async () => {
    const product = h.catalog.add({ price: { amount: 4250, currency: 'EUR' } });
    const response = await checkout(await h.bearer(), uuidv7(), {
      items: [
        {
          productId: product.productId,
          quantity: 2,
          unitPrice: { amount: 1, currency: 'EUR' },
          price: { amount: 1, currency: 'EUR' },
        },
      ],
      total: { amount: 2, currency: 'EUR' },
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    });

    expect(response.statusCode).toBe(202);
    expect(response.json().total).toEqual({ amount: 8500, currency: 'EUR' });
    expect(response.json().lines[0].unitPrice).toEqual({ amount: 4250, currency: 'EUR' });
  });

  it('when a retry differs only in ignored prices, then it is the same request (replayed)', async () => {
    const product = h.catalog.add();
    const bearer = await h.bearer();
    const key = uuidv7();
    const base = { shippingAddress: ADDRESS, payment: paymentFor() };
    const first = await checkout(bearer, key, {
      ...base,
      items: [{ productId: product.productId, quantity: 1 }],
    });
    const retry = await checkout(bearer, key, {
      ...base,
      items: [
        { productId: product.productId, quantity: 1, unitPrice: { amount: 5, currency: 'EUR' } },
      ],
    });
    expect(retry.statusCode).toBe(202);
    expect(retry.json().id).toBe(first.json().id);
  });

  it('when products are unknown to catalog, then 400 naming them and nothing is written', async () => {
    const known = h.catalog.add();
    const ghost = uuidv7();
    const before = await count('orders');
    const response = await checkout(await h.bearer(), uuidv7(), {
      items: [
        { productId: known.productId, quantity: 1 },
        { productId: ghost, quantity: 1 },
      ],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'ORDERS_UNKNOWN_PRODUCTS', productIds: [ghost] });
    expect(response.json().detail).toContain(ghost);
    expect(await count('orders')).toBe(before);
  });

  it('when the lookup already shows too little stock, then 409 with the shortages', async () => {
    const scarce = h.catalog.add({ available: 2 });
    const response = await checkout(await h.bearer(), uuidv7(), {
      items: [{ productId: scarce.productId, quantity: 3 }],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'ORDERS_INSUFFICIENT_STOCK',
      shortages: [{ productId: scarce.productId, requested: 3, available: 2 }],
    });
  });

  it('when the Idempotency-Key header is missing, then 400 naming it', async () => {
    const product = h.catalog.add();
    const response = await checkout(await h.bearer(), undefined, {
      items: [{ productId: product.productId, quantity: 1 }],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'headers.idempotency-key', message: 'is required' },
    ]);
  });

  it('when there is no token, then 401 before anything else', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/v1/orders', payload: {} });
    expect(response.statusCode).toBe(401);
  });

  it.each([
    ['no items nor cart', {}],
    ['both items and cart', { cartId: uuidv7(), items: [{ productId: uuidv7(), quantity: 1 }] }],
  ])('when the body has %s, then 400', async (_label, extra) => {
    const response = await checkout(await h.bearer(), uuidv7(), {
      shippingAddress: ADDRESS,
      payment: paymentFor(),
      ...extra,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('ORDERS_INVALID_CHECKOUT');
  });

  it.each([
    ['a quantity of 0', { items: [{ productId: uuidv7(), quantity: 0 }] }, 'body.items.0.quantity'],
    [
      'a quantity of 100',
      { items: [{ productId: uuidv7(), quantity: 100 }] },
      'body.items.0.quantity',
    ],
    [
      'an unknown field',
      { items: [{ productId: uuidv7(), quantity: 1, colour: 'red' }] },
      'body.items.0.colour',
    ],
    [
      'card data',
      { items: [{ productId: uuidv7(), quantity: 1 }], card: { number: '4242424242424242' } },
      'body.card',
    ],
  ])('when the body has %s, then 400 naming the field', async (_label, extra, field) => {
    const response = await checkout(await h.bearer(), uuidv7(), {
      shippingAddress: ADDRESS,
      payment: paymentFor(),
      ...extra,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('when the country is not an ISO 3166-1 alpha-2 code, then 400', async () => {
    const product = h.catalog.add();
    const response = await checkout(await h.bearer(), uuidv7(), {
      items: [{ productId: product.productId, quantity: 1 }],
      shippingAddress: { ...ADDRESS, country: 'XX' },
      payment: paymentFor(),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('"XX"');
  });

  it('when a product is listed twice, then 400 naming it', async () => {
    const product = h.catalog.add();
    const response = await checkout(await h.bearer(), uuidv7(), {
      items: [
        { productId: product.productId, quantity: 1 },
        { productId: product.productId, quantity: 2 },
      ],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'ORDERS_DUPLICATE_PRODUCT',
      productId: product.productId,
    });
  });

  it('when catalog prices the products in different currencies, then 409 and nothing is written', async () => {
    const euros = h.catalog.add({ price: { amount: 100, currency: 'EUR' } });
    const dollars = h.catalog.add({ price: { amount: 100, currency: 'USD' } });
    const before = await Promise.all([
      count('orders'),
      count('outbox_events'),
      count('idempotency_keys'),
    ]);
    const response = await checkout(await h.bearer(), uuidv7(), {
      items: [
        { productId: euros.productId, quantity: 1 },
        { productId: dollars.productId, quantity: 1 },
      ],
      shippingAddress: ADDRESS,
      payment: paymentFor(),
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'ORDERS_CURRENCY_MISMATCH',
      currencies: ['EUR', 'USD'],
    });
    const after = await Promise.all([
      count('orders'),
      count('outbox_events'),
      count('idempotency_keys'),
    ]);
    expect(after).toEqual(before);
  });
});
