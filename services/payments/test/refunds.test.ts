import { v7 as uuidv7 } from 'uuid';
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

describe('refunds on order.cancelled', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('refunds');
  });
  afterAll(async () => {
    await h.close();
  });

  it('when an authorized order is cancelled three times, then it is voided and refunded once', async () => {
    const { userId, orderId, event } = await authorizedOrder(h);
    expect(event.type).toBe('payment.authorized');
    const voids = h.provider.calls.void;
    const cancel = { orderId, userId, reason: 'customer_cancelled' as const };
    const first = await h.publish('order.cancelled', cancel);
    await h.publish('order.cancelled', cancel, first);
    const second = await h.publish('order.cancelled', cancel);
    const refunded = await h.events!.waitFor(
      (e) => e.type === 'payment.refunded' && (e.data as { orderId: string }).orderId === orderId,
    );
    expect(refunded.data).toMatchObject({
      paymentId: (event.data as { paymentId: string }).paymentId,
      amount: { amount: 3000, currency: 'EUR' },
      provider: 'test',
    });
    await settled(h, [first, second]);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(1);
    expect(h.provider.calls.void - voids).toBe(1);
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('voided');
    expect(payment.attempts.map((a: { operation: string }) => a.operation)).toEqual([
      'authorize',
      'void',
    ]);
  });

  it('when a shipped (captured) order is cancelled, then the capture is refunded', async () => {
    const { userId, orderId } = await authorizedOrder(h);
    const shipped = await h.publish('order.shipped', { orderId, userId });
    const again = await h.publish('order.shipped', { orderId, userId });
    // The runner captures after the consumer commits: settled, not only handled.
    await settled(h, [shipped, again]);
    expect((await ledger(h, orderId)).status).toBe('captured');
    await h.publish('order.cancelled', { orderId, userId, reason: 'customer_cancelled' });
    await h.events!.waitFor(
      (e) => e.type === 'payment.refunded' && (e.data as { orderId: string }).orderId === orderId,
    );
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('refunded');
    expect(payment.attempts.map((a: { operation: string }) => a.operation)).toEqual([
      'authorize',
      'capture',
      'refund',
    ]);
  });

  it('when an order ships after its authorization was voided at the provider, then nothing is captured and payment.capture_failed is published once', async () => {
    const { userId, orderId, event } = await authorizedOrder(h);
    const paymentId = (event.data as { paymentId: string }).paymentId;
    // What a signed `charge.voided` webhook leaves behind (webhooks.test.ts covers that path).
    await h.database.db
      .updateTable('payments')
      .set({ status: 'voided' })
      .where('id', '=', paymentId)
      .execute();
    const captures = h.provider.calls.capture;

    const shipped = await h.publish('order.shipped', { orderId, userId });
    await h.publish('order.shipped', { orderId, userId }, shipped);
    const failed = await h.events!.waitFor(
      (e) =>
        e.type === 'payment.capture_failed' && (e.data as { orderId: string }).orderId === orderId,
    );

    expect(failed.data).toEqual({
      orderId,
      paymentId,
      reason: 'not_authorized',
      paymentStatus: 'voided',
    });
    await settled(h, [shipped]);
    expect(await written(h, 'payment.capture_failed', orderId)).toHaveLength(1);
    expect(h.provider.calls.capture).toBe(captures);
  });

  it('when an order whose payment failed is cancelled, then the cancel is absorbed', async () => {
    const { userId, orderId, event } = await authorizedOrder(h, CARDS.declined);
    expect(event.type).toBe('payment.failed');
    const id = await h.publish('order.cancelled', { orderId, userId, reason: 'payment_declined' });
    const shipped = await h.publish('order.shipped', { orderId, userId });
    await settled(h, [id, shipped]);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(0);
    expect((await ledger(h, orderId)).status).toBe('failed');
  });

  it('when an order payments never saw is cancelled, then the cancel is absorbed', async () => {
    const orderId = uuidv7();
    const id = await h.publish('order.cancelled', {
      orderId,
      userId: uuidv7(),
      reason: 'out_of_stock',
    });
    await settled(h, [id]);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(0);
    const row = await h.database.db
      .selectFrom('cancelled_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    expect(row?.reason).toBe('out_of_stock');
  });
});

describe('refunds through another provider that times out', () => {
  let h: Harness;
  const flaky = new FlakyProvider(3);

  beforeAll(async () => {
    h = await startPayments('refunds_flaky', {
      env: { PAYMENT_PROVIDER: 'flaky', PROVIDER_RETRY_ATTEMPTS: '2' },
      providers: [flaky],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the void fails past the quick retries, then the operation is tried again later and it is refunded once', async () => {
    const { userId, orderId, event } = await authorizedOrder(h);
    expect(event.data).toMatchObject({ provider: 'flaky' });
    await h.publish('order.cancelled', { orderId, userId, reason: 'customer_cancelled' });
    const refunded = await h.events!.waitFor(
      (e) => e.type === 'payment.refunded' && (e.data as { orderId: string }).orderId === orderId,
    );
    expect(refunded.data).toMatchObject({ provider: 'flaky' });
    await settled(h);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(1);
    // Two quick tries per run: the first run failed both, the later one succeeded at its second.
    expect(flaky.releaseTries).toBe(4);
    expect(flaky.calls.void).toBe(1);
    const payment = await ledger(h, orderId);
    expect(payment.status).toBe('voided');
    expect(payment.attempts.map((a: { operation: string }) => a.operation)).toEqual([
      'authorize',
      'void',
    ]);
  });
});
