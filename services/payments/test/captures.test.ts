import { FlakyProvider } from './support/flaky-provider.js';
import {
  authorizedOrder,
  CARDS,
  ledger,
  settled,
  written,
  startPayments,
  type Harness,
} from './support/harness.js';

/** What the test provider refuses for good: a reference it never issued. */
async function makeProviderRefuse(h: Harness, paymentId: string) {
  await h.database.db
    .updateTable('payments')
    .set({ provider_reference: 'auth_unknown_to_the_provider' })
    .where('id', '=', paymentId)
    .execute();
}

async function refusals(h: Harness, operation: string): Promise<number> {
  const metrics = (await h.app.inject({ url: '/metrics' })).body;
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('payments_provider_refusals_total{') && l.includes(`operation="${operation}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('captures on order.shipped', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('captures');
  });
  afterAll(async () => {
    await h.close();
  });

  it('when order.shipped is republished after the payment was captured, then nothing is published and nothing is called again', async () => {
    const { userId, orderId } = await authorizedOrder(h);
    const first = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [first]);
    expect((await ledger(h, orderId)).status).toBe('captured');
    const captures = h.provider.calls.capture;

    // A replay under a new id (republished from a dead-letter queue, a replayed outbox).
    const replay = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [replay]);

    expect(await written(h, 'payment.capture_failed', orderId)).toHaveLength(0);
    expect(h.provider.calls.capture).toBe(captures);
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('captured');
    expect(payment.attempts.map((a: { operation: string }) => a.operation)).toEqual([
      'authorize',
      'capture',
    ]);
  });

  it('when order.shipped is republished after the captured payment was refunded, then nothing is published', async () => {
    const { userId, orderId } = await authorizedOrder(h);
    const first = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [first]);
    const cancel = await h.publish('order.cancelled', {
      orderId,
      userId,
      reason: 'customer_cancelled',
    });
    await settled(h, [cancel]);
    expect((await ledger(h, orderId)).status).toBe('refunded');

    const replay = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [replay]);

    expect(await written(h, 'payment.capture_failed', orderId)).toHaveLength(0);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(1);
  });

  it('when an order ships after its authorization was voided and order.shipped is republished, then payment.capture_failed is published once', async () => {
    const { userId, orderId, paymentId } = await authorizedOrder(h);
    // What a signed `charge.voided` webhook leaves behind (webhooks.test.ts covers that path).
    await h.database.db
      .updateTable('payments')
      .set({ status: 'voided' })
      .where('id', '=', paymentId)
      .execute();

    const first = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [first]);
    const replay = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [replay]);

    const failed = await written(h, 'payment.capture_failed', orderId);
    expect(failed.map((row) => row.data)).toEqual([
      { orderId, paymentId, reason: 'not_authorized', paymentStatus: 'voided' },
    ]);
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('voided');
    expect(payment.attempts.at(-1)).toMatchObject({
      operation: 'capture',
      outcome: 'declined',
      reason: 'not_authorized',
    });
  });

  it('when an order whose payment failed ships twice, then payment.capture_failed is published once', async () => {
    const { userId, orderId, paymentId, event } = await authorizedOrder(h, CARDS.declined);
    expect(event.type).toBe('payment.failed');

    const first = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [first]);
    const replay = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [replay]);

    const failed = await written(h, 'payment.capture_failed', orderId);
    expect(failed.map((row) => row.data)).toEqual([
      { orderId, paymentId, reason: 'not_authorized', paymentStatus: 'failed' },
    ]);
  });

  it('when the provider refuses the capture, then the operation ends, the refusal is counted and logged, and nothing is published', async () => {
    const { userId, orderId, paymentId } = await authorizedOrder(h);
    await makeProviderRefuse(h, paymentId);
    const before = await refusals(h, 'capture');

    const first = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [first]);
    const replay = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [replay]);

    // payment.capture_failed version 1 has no reason for a refusal (decisions.md): people
    // settle it at the provider, told by the alert on the count.
    expect(await written(h, 'payment.capture_failed', orderId)).toHaveLength(0);
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('authorized');
    expect(payment.attempts.at(-1)).toMatchObject({
      operation: 'capture',
      outcome: 'declined',
      reason: 'refused',
      message: expect.stringContaining('unknown authorization reference'),
    });
    expect(
      payment.attempts.filter((a: { operation: string }) => a.operation === 'capture'),
    ).toHaveLength(1);
    expect((await refusals(h, 'capture')) - before).toBe(1);
    expect(h.logs.some((l) => l.includes('"level":50') && l.includes(orderId))).toBe(true);
  });

  it('when the provider refuses the void of a cancelled order, then the operation ends, nothing is published and the refusal is counted', async () => {
    const { userId, orderId, paymentId } = await authorizedOrder(h);
    await makeProviderRefuse(h, paymentId);
    const before = await refusals(h, 'void');

    const cancel = await h.publish('order.cancelled', {
      orderId,
      userId,
      reason: 'customer_cancelled',
    });
    await settled(h, [cancel]);

    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(0);
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('authorized');
    expect(payment.attempts.at(-1)).toMatchObject({
      operation: 'void',
      outcome: 'declined',
      reason: 'refused',
    });
    expect((await refusals(h, 'void')) - before).toBe(1);
    expect(h.logs.some((l) => l.includes('"level":50') && l.includes(orderId))).toBe(true);
  });
});

describe('captures through a provider that times out', () => {
  let h: Harness;
  const flaky = new FlakyProvider(0, 3);

  beforeAll(async () => {
    h = await startPayments('captures_flaky', {
      env: { PAYMENT_PROVIDER: 'flaky', PROVIDER_RETRY_ATTEMPTS: '2' },
      providers: [flaky],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the capture fails transiently past the quick retries, then it is tried again later and captured once', async () => {
    const { userId, orderId } = await authorizedOrder(h);
    const shipped = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [shipped]);

    expect(await written(h, 'payment.capture_failed', orderId)).toHaveLength(0);
    // Two quick tries per run: the first run failed both, the later one succeeded at its second.
    expect(flaky.captureTries).toBe(4);
    expect(flaky.calls.capture).toBe(1);
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('captured');
    expect(payment.attempts.map((a: { operation: string }) => a.operation)).toEqual([
      'authorize',
      'capture',
    ]);
  });
});
