import { v7 as uuidv7 } from 'uuid';
import { startPayments, type Harness } from './support/harness.js';

/**
 * Input the schemas used to accept and Postgres refuses (issue #16): each was a 500, and 500s
 * open the storefront's circuit breaker to payments.
 */
describe('hostile input to payments', () => {
  let h: Harness;
  const ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';

  beforeAll(async () => {
    h = await startPayments('hostile', { messaging: false });
  });
  afterAll(() => h.close());

  it('when an order id is a urn:uuid, then the ledger is 400 (shopper and admin)', async () => {
    for (const [url, roles] of [
      [`/v1/orders/urn:uuid:${ID}/payments`, ['customer']],
      [`/v1/admin/orders/urn:uuid:${ID}/payments`, ['admin']],
    ] as const) {
      const response = await h.app.inject({
        url,
        headers: { authorization: await h.bearer(uuidv7(), [...roles]) },
      });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors[0].field).toBe('params.id');
    }
  });

  it('when card details hold U+0000, then 400 naming the field, never its value', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/internal/payment-methods',
      headers: { authorization: await h.bearer(uuidv7()) },
      payload: { card: { number: '4242\u00004242', expMonth: 12, expYear: 2099, cvc: '123' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('body.card.number');
    expect(response.body).not.toContain('4242');
  });
});
