import { v7 as uuidv7 } from 'uuid';
import { ProviderTransientError } from '../src/providers/provider.js';
import { TestProvider } from '../src/providers/test-provider.js';
import { CARDS, startPayments, type Harness } from './support/harness.js';

describe('POST /internal/payment-methods', () => {
  let h: Harness;
  const nextYear = new Date().getUTCFullYear() + 1;

  beforeAll(async () => {
    h = await startPayments('methods', { messaging: false });
  });
  afterAll(async () => {
    await h.close();
  });

  async function post(card: unknown, userId = uuidv7(), extra: Record<string, string> = {}) {
    return h.app.inject({
      method: 'POST',
      url: '/internal/payment-methods',
      headers: { authorization: await h.bearer(userId), ...extra },
      payload: card === undefined ? undefined : ({ card } as object),
    });
  }

  it('when a shopper sends a good card, then 201 with id, brand, last4 and expiry only', async () => {
    const userId = uuidv7();
    const response = await post(
      { number: '4242 4242 4242 4242', expMonth: 7, expYear: nextYear, cvc: '123' },
      userId,
    );
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      brand: 'visa',
      last4: '4242',
      expMonth: 7,
      expYear: nextYear,
    });
    const row = await h.database.db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: userId, provider: 'test', brand: 'visa', last4: '4242' });
    expect(row.provider_token).toMatch(/^tok_visa_[0-9a-f]{16}$/);
  });

  it('when the card is an amex with a 4-digit CVC, then it is accepted as amex', async () => {
    const response = await post({
      number: '378282246310005',
      expMonth: 1,
      expYear: nextYear,
      cvc: '1234',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ brand: 'amex', last4: '0005' });
  });

  it('when the number fails Luhn, then 400 names card.number and does not echo it', async () => {
    const response = await post({
      number: '4242424242424241',
      expMonth: 1,
      expYear: nextYear,
      cvc: '123',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({
      code: 'PAYMENTS_INVALID_CARD',
      errors: [{ field: 'body.card.number' }],
    });
    expect(response.body).not.toContain('4242424242424241');
    expect(response.body).not.toContain('424242');
  });

  it('when the card has expired, then 400 names the expiry', async () => {
    const response = await post({ number: CARDS.visa, expMonth: 1, expYear: 2020, cvc: '123' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'body.card.expYear', message: 'the card has expired' },
    ]);
  });

  it('when the CVC is not 3-4 digits, then 400 names card.cvc and does not echo it', async () => {
    const response = await post({ number: CARDS.visa, expMonth: 1, expYear: nextYear, cvc: '98x' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'body.card.cvc', message: 'must be 3 or 4 digits' },
    ]);
    expect(response.body).not.toContain('98x');
    expect(response.body).not.toContain(CARDS.visa);
  });

  it('when a field has the wrong type or is unknown, then 400 by schema without values', async () => {
    const response = await post({
      number: 4242424242424242,
      expMonth: '12',
      expYear: nextYear,
      cvc: '123',
      pin: '0000',
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.card.number', 'body.card.expMonth', 'body.card.pin']),
    );
    expect(response.body).not.toContain('4242424242424242');
  });

  it('when the body is not valid JSON, then 400 without a piece of the body', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/internal/payment-methods',
      headers: { authorization: await h.bearer(uuidv7()), 'content-type': 'application/json' },
      payload: `{"card":{"number":"${CARDS.visa}","cvc":"123",`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_INVALID_BODY' });
    expect(response.body).not.toContain('4242');
  });

  it('when the body is missing, then 400', async () => {
    const response = await post(undefined);
    expect(response.statusCode).toBe(400);
  });

  it('when nobody is signed in, then 401 before the body is looked at', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/internal/payment-methods',
      payload: { card: { number: CARDS.visa, expMonth: 1, expYear: nextYear, cvc: '123' } },
    });
    expect(response.statusCode).toBe(401);
  });

  describe('with an Idempotency-Key', () => {
    const card = () => ({ number: CARDS.visa, expMonth: 7, expYear: nextYear, cvc: '123' });

    it('when the same key comes again with the same card, then the same method, marked replayed, and one row', async () => {
      const userId = uuidv7();
      const first = await post(card(), userId, { 'idempotency-key': 'pm-key-1' });
      const again = await post(card(), userId, { 'idempotency-key': 'pm-key-1' });
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      const rows = await h.database.db
        .selectFrom('payment_methods')
        .select('id')
        .where('user_id', '=', userId)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('when the same key comes with another card, then 422 and no second method', async () => {
      const userId = uuidv7();
      await post(card(), userId, { 'idempotency-key': 'pm-key-2' });
      const other = await post({ ...card(), number: CARDS.declined }, userId, {
        'idempotency-key': 'pm-key-2',
      });
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: 'PAYMENTS_IDEMPOTENCY_KEY_REUSED' });
      expect(other.body).not.toContain(CARDS.declined);
    });

    it('when two shoppers use the same key, then each gets a method of their own', async () => {
      const a = await post(card(), uuidv7(), { 'idempotency-key': 'pm-key-3' });
      const b = await post(card(), uuidv7(), { 'idempotency-key': 'pm-key-3' });
      expect(a.statusCode).toBe(201);
      expect(b.statusCode).toBe(201);
      expect(b.json().id).not.toBe(a.json().id);
    });

    it('when two first attempts with one key race, then both answer the one method kept', async () => {
      const userId = uuidv7();
      const [a, b] = await Promise.all([
        post(card(), userId, { 'idempotency-key': 'pm-key-4' }),
        post(card(), userId, { 'idempotency-key': 'pm-key-4' }),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(b.json().id).toBe(a.json().id);
    });
  });

  it('when requests came and went, then no log line holds a card number or CVC', () => {
    const text = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/4242424242424242|4242424242424241|378282246310005/);
    expect(text).not.toContain('98x');
  });
});

describe('GET /internal/payment-methods/:id', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('methods_get', { messaging: false });
  });
  afterAll(async () => {
    await h.close();
  });

  const get = async (id: string, userId: string) =>
    h.app.inject({
      method: 'GET',
      url: `/internal/payment-methods/${id}`,
      headers: { authorization: await h.bearer(userId) },
    });

  it('when the shopper asks for one of their methods, then 200 with id, brand, last4 and expiry', async () => {
    const userId = uuidv7();
    const id = await h.createMethod(userId, CARDS.visa);
    const response = await get(id, userId);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id,
      brand: 'visa',
      last4: '4242',
      expMonth: expect.any(Number),
      expYear: expect.any(Number),
    });
  });

  it('when the method is another shopper’s, then 404 as if it did not exist', async () => {
    const id = await h.createMethod(uuidv7(), CARDS.visa);
    const response = await get(id, uuidv7());
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_NOT_FOUND' });
  });

  it('when the method does not exist, then 404', async () => {
    const response = await get(uuidv7(), uuidv7());
    expect(response.statusCode).toBe(404);
  });

  it('when the id is not a uuid, then 400', async () => {
    const response = await get('nope', uuidv7());
    expect(response.statusCode).toBe(400);
  });
});

describe('POST /internal/payment-methods when the provider fails', () => {
  let h: Harness;
  let fail: Error;
  const card = {
    number: CARDS.visa,
    expMonth: 1,
    expYear: new Date().getUTCFullYear() + 1,
    cvc: '123',
  };

  beforeAll(async () => {
    const broken = new TestProvider({ name: 'broken' });
    broken.tokenize = async () => {
      throw fail;
    };
    h = await startPayments('methods_broken', {
      messaging: false,
      env: { PAYMENT_PROVIDER: 'broken', PROVIDER_RETRY_ATTEMPTS: '2' },
      providers: [broken],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  async function post() {
    return h.app.inject({
      method: 'POST',
      url: '/internal/payment-methods',
      headers: { authorization: await h.bearer(uuidv7()) },
      payload: { card },
    });
  }

  it('when the provider keeps timing out, then 503 with Retry-After and nothing stored', async () => {
    fail = new ProviderTransientError('gateway timeout');
    const response = await post();
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_PROVIDER_UNAVAILABLE' });
  });

  it('when the provider refuses the card, then 400', async () => {
    fail = new Error('card refused by issuer');
    const response = await post();
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_INVALID_CARD' });
    const stored = await h.database.db.selectFrom('payment_methods').select('id').execute();
    expect(stored).toEqual([]);
  });
});
