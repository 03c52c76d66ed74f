import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { eventually, outboxRows } from '@bazaar/service-kit/testing';
import { sweepStuckOrders } from '../src/domain/sweep-stuck-orders.js';
import { createSagaMetrics } from '../src/metrics/saga-metrics.js';
import { countRows, placeOrder, startHarness, statusOf, type Harness } from './fixtures/harness.js';

const TIMEOUT_MS = 15 * 60_000;

describe('the stuck-order sweeper', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('sweeper', { env: { ORDER_SAGA_TIMEOUT_MS: String(TIMEOUT_MS) } });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => {
    h.clock.offsetMs = 0;
  });

  const setStatus = (orderId: string, status: string) =>
    h.db.updateTable('orders').set({ status }).where('id', '=', orderId).execute();
  const cancellationsOf = async (orderId: string) =>
    await outboxRows(h.db, { type: 'order.cancelled', data: { orderId: orderId } });

  it('when orders wait for stock or payment past the deadline, then they are cancelled (timeout) and compensated', async () => {
    const bearer = await h.bearer();
    const pending = await placeOrder(h, bearer);
    const reserved = await placeOrder(h, bearer);
    await setStatus(reserved.id, 'stock_reserved');

    h.clock.offsetMs = TIMEOUT_MS + 60_000;
    await h.app.periodicJobs.get('stuck-order sweeper')!.runOnce();

    for (const order of [pending, reserved]) {
      expect(await statusOf(h.db, order.id)).toEqual({
        status: 'cancelled',
        cancel_reason: 'timeout',
      });
      expect((await cancellationsOf(order.id)).map((e) => e.data)).toEqual([
        { orderId: order.id, userId: order.userId, reason: 'timeout' },
      ]);
    }
    const read = await h.app.inject({
      url: `/v1/orders/${pending.id}`,
      headers: { authorization: bearer },
    });
    expect(read.json().statusHistory.at(-1)).toMatchObject({
      status: 'cancelled',
      reason: 'timeout',
    });
  });

  it('when an order is young, or already confirmed, then the sweeper leaves it alone', async () => {
    const bearer = await h.bearer();
    const young = await placeOrder(h, bearer);
    const confirmed = await placeOrder(h, bearer);
    await setStatus(confirmed.id, 'confirmed');

    h.clock.offsetMs = TIMEOUT_MS - 60_000;
    await h.app.periodicJobs.get('stuck-order sweeper')!.runOnce();
    expect((await statusOf(h.db, young.id)).status).toBe('pending');

    h.clock.offsetMs = TIMEOUT_MS * 10;
    await h.app.periodicJobs.get('stuck-order sweeper')!.runOnce();
    expect((await statusOf(h.db, confirmed.id)).status).toBe('confirmed');
    expect(await cancellationsOf(confirmed.id)).toEqual([]);
  });

  it('when several replicas sweep at once, then every stuck order is cancelled exactly once', async () => {
    const bearer = await h.bearer();
    const orders: { id: string }[] = [];
    for (let i = 0; i < 24; i++) orders.push(await placeOrder(h, bearer));
    const deps = {
      db: h.db,
      metrics: createSagaMetrics(new Registry(), h.db),
      now: () => new Date(Date.now() + TIMEOUT_MS * 2),
    };

    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        sweepStuckOrders(deps, { timeoutMs: TIMEOUT_MS, batchSize: 3 }),
      ),
    );

    const swept = results.flat().filter((id) => orders.some((o) => o.id === id));
    expect(swept).toHaveLength(orders.length);
    expect(new Set(swept).size).toBe(orders.length);
    for (const order of orders) {
      expect(await cancellationsOf(order.id)).toHaveLength(1);
    }
  });

  it('when the sweeper runs on its own timer, then a stuck order is cancelled without anyone asking', async () => {
    const order = await placeOrder(h, await h.bearer());
    h.clock.offsetMs = TIMEOUT_MS + 60_000;
    await h.replica({ SWEEPER_INTERVAL_MS: '200' });

    await eventually(() => statusOf(h.db, order.id), {
      until: (row) => row.status === 'cancelled',
    });
    expect((await statusOf(h.db, order.id)).cancel_reason).toBe('timeout');
  });

  it('when idempotency keys are older than their retention, then they are pruned and the key can be used again', async () => {
    const bearer = await h.bearer();
    const key = uuidv7();
    const product = h.catalog.add();
    const send = () =>
      h.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization: bearer, 'idempotency-key': key },
        payload: {
          items: [{ productId: product.productId, quantity: 1 }],
          shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'FR' },
          payment: { methodId: uuidv7(), brand: 'visa', last4: '1111' },
        },
      });
    const first = await send();
    expect(first.statusCode).toBe(202);

    h.clock.offsetMs = 47 * 3_600_000; // within the 48 h retention: kept
    await h.app.periodicJobs.get('stuck-order sweeper')!.runOnce();
    expect((await send()).statusCode).toBe(422); // same key, other body (a new methodId): still known

    const keysBefore = await countRows(h.db, 'idempotency_keys');
    h.clock.offsetMs = 49 * 3_600_000;
    await h.app.periodicJobs.get('stuck-order sweeper')!.runOnce();
    expect(await countRows(h.db, 'idempotency_keys')).toBeLessThan(keysBefore);
    h.clock.offsetMs = 0;
    const again = await send();
    expect(again.statusCode).toBe(202);
    expect(again.json().id).not.toBe(first.json().id);
  });
});
