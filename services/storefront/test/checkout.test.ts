import { sendJson, type UpstreamRequest } from '@bazaar/service-kit/testing';
import { startHarness, type Harness } from './fixtures/storefront.js';

const SHOPPER = '01936f5e-0000-7000-8000-000000000001';
const PRODUCT_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';
const address = { name: 'Ada', line1: '1 Rue', city: 'Lyon', postalCode: '69001', country: 'FR' };
const SAVED_METHOD = '01936f5e-2222-7000-8000-00000000beef';
const OTHER_SHOPPER = '01936f5e-0000-7000-8000-000000000002';
const OTHER_SAVED_METHOD = '01936f5e-2222-7000-8000-00000000cafe';
/** payments' saved methods and whose they are. */
const owners = new Map([
  [SAVED_METHOD, SHOPPER],
  [OTHER_SAVED_METHOD, OTHER_SHOPPER],
]);
const card = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
const body = {
  items: [{ productId: PRODUCT_ID, quantity: 2 }],
  shippingAddress: address,
  payment: { card },
};

/** The shopper a bearer token names (payments keys methods per shopper, not per token). */
function subjectOf(authorization: string | undefined): string {
  const payload = authorization?.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string }).sub;
}

function order(payment: { brand: string; last4: string }) {
  return {
    id: '01936f5e-1111-7000-8000-000000000001',
    userId: SHOPPER,
    status: 'pending',
    cancelReason: null,
    lines: [],
    total: { amount: 2598, currency: 'EUR' },
    statusHistory: [{ status: 'pending', reason: 'placed', at: '2026-11-22T10:00:00.000Z' }],
    shippingAddress: address,
    payment,
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
  };
}

describe('storefront checkout', () => {
  let h: Harness;
  let methods = 0;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    Object.values(h.fakes).forEach((fake) => fake.reset());
    // payments' own idempotency: per shopper and key, the same card gets the first method again
    // (`idempotent-replayed`), another card is 422.
    const keyed = new Map<string, { id: string; number: string }>();
    h.fakes.payments.on('POST /internal/payment-methods', (received, response) => {
      const number = (received.body as { card: typeof card }).card.number;
      const key = `${subjectOf(received.headers.authorization)} ${received.headers['idempotency-key']}`;
      const kept = keyed.get(key);
      if (kept && kept.number !== number) {
        sendJson(response, 422, { status: 422, title: 'Idempotency key reused with another card' });
        return;
      }
      methods += 1;
      const id = kept?.id ?? `01936f5e-2222-7000-8000-${String(methods).padStart(12, '0')}`;
      if (received.headers['idempotency-key']) keyed.set(key, { id, number });
      sendJson(
        response,
        201,
        { id, brand: 'visa', last4: number.slice(-4), expMonth: 12, expYear: 2030 },
        kept ? { 'idempotent-replayed': 'true' } : {},
      );
    });
    h.fakes.payments.on('GET /internal/payment-methods/:id', (received, response) => {
      const id = received.path.split('/').at(-1)!;
      if (owners.get(id) === subjectOf(received.headers.authorization)) {
        sendJson(response, 200, {
          id,
          brand: 'mastercard',
          last4: '4444',
          expMonth: 12,
          expYear: 2030,
        });
      } else
        sendJson(response, 404, { status: 404, title: 'Not found', code: 'PAYMENTS_NOT_FOUND' });
    });
    // orders' own idempotency: the same key and body answer the first answer again.
    const first = new Map<string, string>();
    h.fakes.orders.on('POST /v1/orders', (received: UpstreamRequest, response) => {
      const key = String(received.headers['idempotency-key']);
      const seen = first.get(key);
      if (seen !== undefined && seen !== received.raw) {
        sendJson(response, 422, { status: 422, title: 'Idempotency key reused with another body' });
        return;
      }
      first.set(key, received.raw);
      const payment = (received.body as { payment: { brand: string; last4: string } }).payment;
      sendJson(response, 202, order(payment), seen ? { 'idempotent-replayed': 'true' } : {});
    });
  });

  const place = async (key: string | undefined, payload: unknown = body, shopper = SHOPPER) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: {
        authorization: await h.bearer(shopper),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      payload: payload as object,
    });

  it('when a shopper checks out with a saved method, then payments confirms it is theirs and orders gets it', async () => {
    const response = await place('key-m1', { ...body, payment: { methodId: SAVED_METHOD } });
    expect(response.statusCode).toBe(202);
    expect(response.json().payment).toEqual({ brand: 'mastercard', last4: '4444' });
    const [lookup] = h.fakes.payments.received;
    expect(lookup).toMatchObject({
      method: 'GET',
      path: `/internal/payment-methods/${SAVED_METHOD}`,
    });
    expect(lookup.headers.authorization).toMatch(/^Bearer /);
    expect(h.fakes.payments.received).toHaveLength(1);
    const [placed] = h.fakes.orders.received;
    expect(placed.headers['idempotency-key']).toBe('key-m1');
    expect(placed.body).toEqual({
      items: body.items,
      shippingAddress: address,
      payment: { methodId: SAVED_METHOD, brand: 'mastercard', last4: '4444' },
    });
  });

  it('when a shopper checks out again with the same saved method, then payments is asked once', async () => {
    const payWith = { ...body, payment: { methodId: OTHER_SAVED_METHOD } };
    const first = await place('key-again-1', payWith, OTHER_SHOPPER);
    const second = await place('key-again-2', payWith, OTHER_SHOPPER);
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(second.json().payment).toEqual({ brand: 'mastercard', last4: '4444' });
    expect(h.fakes.payments.received).toHaveLength(1);
    expect(h.fakes.orders.received.map((r) => r.body)).toEqual([
      expect.objectContaining({
        payment: { methodId: OTHER_SAVED_METHOD, brand: 'mastercard', last4: '4444' },
      }),
      expect.objectContaining({
        payment: { methodId: OTHER_SAVED_METHOD, brand: 'mastercard', last4: '4444' },
      }),
    ]);
  });

  it('when another shopper uses a method its owner checked out with, then it is still 404', async () => {
    const payWith = { ...body, payment: { methodId: OTHER_SAVED_METHOD } };
    expect((await place('key-owner', payWith, OTHER_SHOPPER)).statusCode).toBe(202);
    const response = await place('key-thief', payWith, SHOPPER);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(h.fakes.orders.received.map((r) => r.headers['idempotency-key'])).toEqual(['key-owner']);
  });

  it('when a saved method is refused, then the next checkout with it asks payments again', async () => {
    const payWith = { ...body, payment: { methodId: OTHER_SAVED_METHOD } };
    expect((await place('key-no-1', payWith, SHOPPER)).statusCode).toBe(404);
    expect((await place('key-no-2', payWith, SHOPPER)).statusCode).toBe(404);
    expect(h.fakes.payments.received).toHaveLength(2);
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when the saved method is not the shopper’s, then 404 and orders is not called', async () => {
    const response = await place('key-m2', {
      ...body,
      payment: { methodId: '01936f5e-2222-7000-8000-00000000dead' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when payment gives both a card and a method, then 400 and nothing is called', async () => {
    const response = await place('key-m3', {
      ...body,
      payment: { methodId: SAVED_METHOD, card },
    });
    expect(response.statusCode).toBe(400);
    expect(h.fakes.payments.received).toHaveLength(0);
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when a shopper checks out, then the card becomes a payment method and orders gets the method, never the card', async () => {
    const response = await place('key-1');
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({
      status: 'pending',
      payment: { brand: 'visa', last4: '4242' },
    });
    expect(response.json().userId).toBeUndefined();
    const [exchange] = h.fakes.payments.received;
    expect(exchange.body).toEqual({ card });
    expect(exchange.headers.authorization).toMatch(/^Bearer /);
    // payments deduplicates the exchange by the checkout's key.
    expect(exchange.headers['idempotency-key']).toBe('key-1');
    const [placed] = h.fakes.orders.received;
    expect(placed.headers['idempotency-key']).toBe('key-1');
    expect(placed.raw).not.toContain('4242424242424242');
    expect(placed.body).toEqual({
      items: body.items,
      shippingAddress: address,
      payment: { methodId: expect.any(String), brand: 'visa', last4: '4242' },
    });
  });

  it('when a checkout is replayed with the same key, then no second method reaches orders and the first answer comes back', async () => {
    const first = await place('key-2');
    const replay = await place('key-2');
    expect(first.statusCode).toBe(202);
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(h.fakes.payments.received.map((r) => r.headers['idempotency-key'])).toEqual([
      'key-2',
      'key-2',
    ]);
    const [a, b] = h.fakes.orders.received;
    expect(b.raw).toBe(a.raw);
  });

  it('when the same key comes with another card, then payments’ 422 is the answer', async () => {
    await place('key-3');
    const other = { ...body, payment: { card: { ...card, number: '4000000000000002' } } };
    const response = await place('key-3', other);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(h.fakes.orders.received).toHaveLength(1);
  });

  it('when two first attempts with one key race, then orders sees one method', async () => {
    const [a, b] = await Promise.all([place('key-4'), place('key-4')]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    const placed = h.fakes.orders.received.map(
      (r) => (r.body as { payment: { methodId: string } }).payment.methodId,
    );
    expect(new Set(placed).size).toBe(1);
  });

  it('when there is no Idempotency-Key, then 400 and nothing is called', async () => {
    const response = await place(undefined);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toContain('idempotency-key');
    expect(h.fakes.payments.received).toHaveLength(0);
  });

  it('when payments refuses the card, then its 400 names the public field and orders is not called', async () => {
    h.fakes.payments.reply('POST /internal/payment-methods', 400, {
      type: 'https://bazaar.dev/problems/payments-invalid-card',
      title: 'Invalid card',
      status: 400,
      detail: 'card.number is not a valid card number',
      errors: [{ field: 'card.number', message: 'is not a valid card number' }],
    });
    const response = await place('key-5', {
      ...body,
      payment: { card: { ...card, number: '4242424242424241' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'payment.card.number', message: 'is not a valid card number' },
    ]);
    expect(response.body).not.toContain('4242424242424241');
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when payments is down, then 503 with Retry-After and orders is not called', async () => {
    h.fakes.payments.reply(
      'POST /internal/payment-methods',
      503,
      { status: 503, title: 'down' },
      { 'retry-after': '5' },
    );
    const response = await place('key-6');
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when payments answers nonsense, then 502 and orders is not called', async () => {
    h.fakes.payments.reply('POST /internal/payment-methods', 201, { hello: 'world' });
    const response = await place('key-7');
    expect(response.statusCode).toBe(502);
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when stock is short at once, then orders’ 409 passes through', async () => {
    h.fakes.orders.reply('POST /v1/orders', 409, {
      type: 'https://bazaar.dev/problems/orders-insufficient-stock',
      title: 'Not enough stock',
      status: 409,
      shortages: [{ productId: PRODUCT_ID, requested: 2, available: 1 }],
    });
    const response = await place('key-8');
    expect(response.statusCode).toBe(409);
    expect(response.json().shortages).toEqual([
      { productId: PRODUCT_ID, requested: 2, available: 1 },
    ]);
  });

  it('when a card body field is unknown, then 400 before any exchange', async () => {
    const response = await place('key-9', { ...body, payment: { card: { ...card, pin: '0000' } } });
    expect(response.statusCode).toBe(400);
    expect(h.fakes.payments.received).toHaveLength(0);
  });
});
