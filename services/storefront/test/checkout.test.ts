import { sendJson, type Received } from './fixtures/fake-service.js';
import { startHarness, type Harness } from './fixtures/storefront.js';

const SHOPPER = '01936f5e-0000-7000-8000-000000000001';
const PRODUCT_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';
const address = { name: 'Ada', line1: '1 Rue', city: 'Lyon', postalCode: '69001', country: 'FR' };
const card = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
const body = {
  items: [{ productId: PRODUCT_ID, quantity: 2 }],
  shippingAddress: address,
  payment: { card },
};

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
    h = await startHarness('checkout');
  });
  afterAll(() => h.close());
  beforeEach(() => {
    Object.values(h.fakes).forEach((fake) => fake.reset());
    h.fakes.payments.on('POST /internal/payment-methods', (received, response) => {
      methods += 1;
      const number = (received.body as { card: typeof card }).card.number;
      sendJson(response, 201, {
        id: `01936f5e-2222-7000-8000-${String(methods).padStart(12, '0')}`,
        brand: 'visa',
        last4: number.slice(-4),
        expMonth: 12,
        expYear: 2030,
      });
    });
    // orders' own idempotency: the same key and body answer the first answer again.
    const first = new Map<string, string>();
    h.fakes.orders.on('POST /v1/orders', (received: Received, response) => {
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

  const place = async (key: string | undefined, payload: unknown = body) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: {
        authorization: await h.bearer(SHOPPER),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      payload: payload as object,
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
    expect(h.fakes.payments.received).toHaveLength(1);
    const [a, b] = h.fakes.orders.received;
    expect(b.raw).toBe(a.raw);
  });

  it('when the same key comes with another card, then orders refuses it with 422', async () => {
    await place('key-3');
    const other = { ...body, payment: { card: { ...card, number: '4000000000000002' } } };
    const response = await place('key-3', other);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
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
