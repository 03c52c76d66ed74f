import { v7 as uuidv7 } from 'uuid';
import {
  CARDS,
  reserved,
  settled,
  written,
  startPayments,
  type Harness,
} from './support/harness.js';

describe('transient provider errors', () => {
  let h: Harness;

  beforeAll(async () => {
    // The transient test card fails twice per authorization, then succeeds; three tries allowed.
    h = await startPayments('transient', {
      env: { TEST_PROVIDER_TRANSIENT_FAILURES: '2', PROVIDER_RETRY_ATTEMPTS: '3' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the provider errors twice then answers, then the order is authorized once and the ledger shows all three tries', async () => {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.transient);
    const before = { calls: h.provider.calls.authorize, granted: h.provider.authorizations };
    const data = reserved(orderId, userId, methodId, 2500);
    // Delivered twice, at the same time, as a republished event would be.
    const ids = await Promise.all([
      h.publish('stock.reserved', data),
      h.publish('stock.reserved', data),
    ]);
    const event = await h.events!.waitFor(
      (e) => e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId,
    );
    expect(event.data).toMatchObject({ amount: { amount: 2500, currency: 'EUR' } });
    await settled(h, ids);
    expect(await written(h, 'payment.authorized', orderId)).toHaveLength(1);
    expect(await written(h, 'payment.failed', orderId)).toHaveLength(0);
    expect(h.provider.authorizations - before.granted).toBe(1);
    expect(h.provider.calls.authorize - before.calls).toBe(3);

    const response = await h.app.inject({
      url: `/v1/orders/${orderId}/payments`,
      headers: { authorization: await h.bearer(userId) },
    });
    const [payment] = response.json().items;
    expect(payment.status).toBe('authorized');
    expect(payment.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      'error',
      'error',
      'succeeded',
    ]);
    expect(payment.attempts[0]).toMatchObject({
      reason: 'provider_error',
      message: expect.stringContaining('processing error'),
    });
  });
});
