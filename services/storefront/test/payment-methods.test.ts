import { sendJson } from '@bazaar/service-kit/testing';
import { startHarness, type Harness } from './fixtures/storefront.js';

const SHOPPER = '01936f5e-0000-7000-8000-000000000002';
const METHOD = '01936f5e-2222-7000-8000-000000000001';
const card = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

describe('storefront POST /v1/payment-methods', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    Object.values(h.fakes).forEach((fake) => fake.reset());
    h.fakes.payments.on('POST /internal/payment-methods', (received, response) =>
      sendJson(
        response,
        201,
        { id: METHOD, brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
        received.headers['idempotency-key'] === 'again' ? { 'idempotent-replayed': 'true' } : {},
      ),
    );
  });

  const save = async (key: string | undefined, payload: unknown = { card }) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/payment-methods',
      headers: {
        authorization: await h.bearer(SHOPPER),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      payload: payload as object,
    });

  it('when a shopper saves a card, then 201 with id, brand and last4, and payments gets the card, the token and the key', async () => {
    const response = await save('save-1');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: METHOD, brand: 'visa', last4: '4242' });
    const [exchange] = h.fakes.payments.received;
    expect(exchange.body).toEqual({ card });
    expect(exchange.headers.authorization).toMatch(/^Bearer /);
    expect(exchange.headers['idempotency-key']).toBe('save-1');
    expect(h.fakes.orders.received).toHaveLength(0);
  });

  it('when payments replays the key, then the shopper sees Idempotent-Replayed', async () => {
    const response = await save('again');
    expect(response.statusCode).toBe(201);
    expect(response.headers['idempotent-replayed']).toBe('true');
  });

  it('when there is no Idempotency-Key, then 400 and payments is not called', async () => {
    const response = await save(undefined);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toContain('idempotency-key');
    expect(h.fakes.payments.received).toHaveLength(0);
  });

  it('when the card has an unknown field, then 400 and payments is not called', async () => {
    const response = await save('save-2', { card: { ...card, pin: '0000' } });
    expect(response.statusCode).toBe(400);
    expect(h.fakes.payments.received).toHaveLength(0);
  });

  it('when nobody is signed in, then 401 and payments is not called', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/payment-methods',
      headers: { 'idempotency-key': 'save-3' },
      payload: { card },
    });
    expect(response.statusCode).toBe(401);
    expect(h.fakes.payments.received).toHaveLength(0);
  });

  it('when payments refuses the key with another card, then its 422 passes through', async () => {
    h.fakes.payments.reply('POST /internal/payment-methods', 422, {
      type: 'https://bazaar.dev/problems/payments-idempotency-key-reused',
      title: 'Idempotency key reused with another card',
      status: 422,
      code: 'PAYMENTS_IDEMPOTENCY_KEY_REUSED',
    });
    const response = await save('save-4');
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_IDEMPOTENCY_KEY_REUSED' });
  });
});
