import type { EventType } from '@bazaar/contracts';
import { queueNames } from '@bazaar/messaging';
import {
  captureEvents,
  publishEvent,
  readyCount,
  testAmqpUrl,
  type CapturedEvents,
} from '@bazaar/messaging/testing';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { eventually, outboxRows } from '@bazaar/service-kit/testing';
import {
  metricValue,
  placeOrder,
  startHarness,
  statusOf,
  type Harness,
} from './fixtures/harness.js';
import { SAGA_QUEUE } from '../src/events/subscriptions.js';

describe('the order saga (orders.saga consumers)', () => {
  let h: Harness;
  let captured: CapturedEvents;

  beforeAll(async () => {
    h = await startHarness('saga', { messaging: true });
    captured = await captureEvents({
      namespace: h.namespace,
      types: ['order.created', 'order.confirmed', 'order.cancelled'],
    });
  });
  afterAll(async () => {
    await captured.close();
    await h.close();
  });

  /** What catalog would publish after reserving the order's stock (for `publishEvent`). */
  async function stockReservedEvent(order: Awaited<ReturnType<typeof placeOrder>>, id?: string) {
    const created = await captured.waitFor<'order.created'>(
      (e) => e.type === 'order.created' && (e.data as { orderId: string }).orderId === order.id,
    );
    return {
      namespace: h.namespace,
      type: 'stock.reserved' as const,
      id,
      source: 'catalog',
      data: {
        orderId: order.id,
        userId: order.userId,
        lines: created.data.lines.map(({ productId, quantity }) => ({ productId, quantity })),
        total: created.data.total,
        paymentMethodId: created.data.paymentMethodId,
      },
    };
  }

  async function stockReserved(order: Awaited<ReturnType<typeof placeOrder>>, id?: string) {
    return publishEvent(await stockReservedEvent(order, id));
  }

  function paymentAuthorized(order: Awaited<ReturnType<typeof placeOrder>>) {
    return publishEvent({
      namespace: h.namespace,
      type: 'payment.authorized',
      source: 'payments',
      data: { orderId: order.id, paymentId: uuidv7(), amount: order.total, provider: 'test' },
    });
  }

  function paymentFailed(order: { id: string }) {
    return publishEvent({
      namespace: h.namespace,
      type: 'payment.failed',
      source: 'payments',
      data: {
        orderId: order.id,
        paymentId: uuidv7(),
        reason: 'declined',
        message: 'card declined',
      },
    });
  }

  const waitForStatus = (orderId: string, status: string) =>
    eventually(() => statusOf(h.db, orderId), { until: (row) => row.status === status });

  async function history(orderId: string, bearer: string) {
    const response = await h.app.inject({
      url: `/v1/orders/${orderId}`,
      headers: { authorization: bearer },
    });
    return response
      .json()
      .statusHistory.map((s: { status: string; reason: string }) => [s.status, s.reason]);
  }

  const publishedFor = (type: EventType, orderId: string) =>
    captured.events.filter(
      (e) => e.type === type && (e.data as { orderId: string }).orderId === orderId,
    );

  it('when stock is reserved and the payment authorized, then the order is confirmed and order.confirmed is published', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);

    await stockReserved(order);
    await waitForStatus(order.id, 'stock_reserved');
    await paymentAuthorized(order);
    await waitForStatus(order.id, 'confirmed');

    const confirmed = await captured.waitFor(
      (e) => e.type === 'order.confirmed' && (e.data as { orderId: string }).orderId === order.id,
    );
    expect(confirmed.data).toEqual({ orderId: order.id, userId: order.userId, total: order.total });
    expect(confirmed.source).toBe('orders');
    expect(await history(order.id, bearer)).toEqual([
      ['pending', 'placed'],
      ['stock_reserved', 'stock_reserved'],
      ['confirmed', 'payment_authorized'],
    ]);
  });

  it('when many orders’ events arrive in one batch, then each order moves once, in its events’ order, its usual steps moved together with each its own event', async () => {
    const bearer = await h.bearer();
    const holder = await placeOrder(h, bearer);
    const orders: Array<Awaited<ReturnType<typeof placeOrder>>> = [];
    for (let i = 0; i < 5; i++) orders.push(await placeOrder(h, bearer));
    const early = await placeOrder(h, bearer); // payment.authorized before stock.reserved
    const reserved: Array<Awaited<ReturnType<typeof stockReservedEvent>>> = [];
    for (const order of [holder, ...orders]) reserved.push(await stockReservedEvent(order));
    const { main } = queueNames(h.namespace, SAGA_QUEUE, []);

    // The holder's step waits on its order's row lock; the rest arrive behind it as one batch.
    await h.db.transaction().execute(async (trx) => {
      await sql`select 1 from orders where id = ${holder.id} for update`.execute(trx);
      await publishEvent(reserved[0]!);
      await eventually(() => readyCount(testAmqpUrl(), main), { until: (n) => n === 0 });
      for (const [i, order] of orders.entries()) {
        await publishEvent(reserved[i + 1]!);
        await paymentAuthorized(order);
      }
      await paymentAuthorized(early);
      await eventually(() => readyCount(testAmqpUrl(), main), { until: (n) => n === 0 });
    });

    for (const order of [...orders, early]) await waitForStatus(order.id, 'confirmed');
    for (const order of orders) {
      expect(await history(order.id, bearer)).toEqual([
        ['pending', 'placed'],
        ['stock_reserved', 'stock_reserved'],
        ['confirmed', 'payment_authorized'],
      ]);
      const [confirmed] = await outboxRows(h.db, {
        type: 'order.confirmed',
        data: { orderId: order.id },
      });
      expect(confirmed!.data).toEqual({
        orderId: order.id,
        userId: order.userId,
        total: order.total,
      });
    }
    expect(await history(early.id, bearer)).toEqual([
      ['pending', 'placed'],
      ['confirmed', 'payment_authorized'],
    ]);
    // One transaction, and each step of the five orders one statement (one time, one xmin).
    const { rows } = await sql<{ status: string; at: string; xmin: string }>`
      select status, at::text, h.xmin::text from order_status_history h
      where order_id = any(${orders.map((o) => o.id)}::uuid[]) and status <> 'pending'`.execute(
      h.db,
    );
    expect(new Set(rows.map((r) => r.xmin)).size).toBe(1);
    for (const status of ['stock_reserved', 'confirmed']) {
      const times = rows.filter((r) => r.status === status).map((r) => r.at);
      expect(times).toHaveLength(5);
      expect(new Set(times).size).toBe(1);
    }
    expect(await metricValue(h.app, 'messaging_retried_total', {})).toBe(0);
  });

  it('when stock is rejected, then the order is cancelled out_of_stock and nothing needs compensating', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);

    await publishEvent({
      namespace: h.namespace,
      type: 'stock.rejected',
      source: 'catalog',
      data: {
        orderId: order.id,
        userId: order.userId,
        shortages: [{ productId: uuidv7(), requested: 3, available: 1 }],
      },
    });

    expect(await waitForStatus(order.id, 'cancelled')).toEqual({
      status: 'cancelled',
      cancel_reason: 'out_of_stock',
    });
    expect(await history(order.id, bearer)).toEqual([
      ['pending', 'placed'],
      ['cancelled', 'out_of_stock'],
    ]);
    const cancellations = await outboxRows(h.db, {
      type: 'order.cancelled',
      data: { orderId: order.id },
    });
    expect(cancellations).toEqual([]);
  });

  it('when the payment fails, then the order is cancelled payment_declined and order.cancelled releases the stock', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);

    await stockReserved(order);
    await waitForStatus(order.id, 'stock_reserved');
    await paymentFailed(order);

    expect(await waitForStatus(order.id, 'cancelled')).toEqual({
      status: 'cancelled',
      cancel_reason: 'payment_declined',
    });
    const cancelled = await captured.waitFor(
      (e) => e.type === 'order.cancelled' && (e.data as { orderId: string }).orderId === order.id,
    );
    expect(cancelled.data).toEqual({
      orderId: order.id,
      userId: order.userId,
      reason: 'payment_declined',
    });
  });

  it('when payments answers before orders saw stock.reserved, then the order is confirmed and the late stock.reserved is absorbed', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);

    await paymentAuthorized(order);
    await waitForStatus(order.id, 'confirmed');
    const before = await metricValue(h.app, 'orders_saga_absorbed_events_total', {
      trigger: 'stock.reserved',
      status: 'confirmed',
    });
    await stockReserved(order);

    await eventually(
      () =>
        metricValue(h.app, 'orders_saga_absorbed_events_total', {
          trigger: 'stock.reserved',
          status: 'confirmed',
        }),
      { until: (value) => value === before + 1 },
    );
    expect((await statusOf(h.db, order.id)).status).toBe('confirmed');
    expect(await history(order.id, bearer)).toEqual([
      ['pending', 'placed'],
      ['confirmed', 'payment_authorized'],
    ]);
  });

  it('when events come twice (redelivered or republished), then the order moves once and nothing is retried', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    const messageId = uuidv7();
    const absorbed = (trigger: string, status: string) =>
      metricValue(h.app, 'orders_saga_absorbed_events_total', { trigger, status });
    const before = {
      reserved: await absorbed('stock.reserved', 'stock_reserved'),
      authorized: await absorbed('payment.authorized', 'confirmed'),
      duplicates: await metricValue(h.app, 'messaging_duplicates_total', {}),
    };

    await stockReserved(order, messageId);
    await waitForStatus(order.id, 'stock_reserved');
    await stockReserved(order, messageId); // the same message again: the inbox drops it
    await stockReserved(order); // the same fact in a new message: the state machine absorbs it
    await eventually(() => absorbed('stock.reserved', 'stock_reserved'), {
      until: (value) => value === before.reserved + 1,
    });
    await paymentAuthorized(order);
    await waitForStatus(order.id, 'confirmed');
    await paymentAuthorized(order);
    await eventually(() => absorbed('payment.authorized', 'confirmed'), {
      until: (value) => value === before.authorized + 1,
    });
    await eventually(() => metricValue(h.app, 'messaging_duplicates_total', {}), {
      until: (value) => value === before.duplicates + 1,
    });

    expect(await history(order.id, bearer)).toEqual([
      ['pending', 'placed'],
      ['stock_reserved', 'stock_reserved'],
      ['confirmed', 'payment_authorized'],
    ]);
    const confirmations = await outboxRows(h.db, {
      type: 'order.confirmed',
      data: { orderId: order.id },
    });
    expect(confirmations).toHaveLength(1);
    expect(await metricValue(h.app, 'messaging_retried_total', {})).toBe(0);
  });

  it('when a payment is authorized for an order already cancelled, then it is absorbed: still cancelled, nothing confirmed', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    const cancel = await h.app.inject({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      headers: { authorization: bearer },
    });
    expect(cancel.statusCode).toBe(200);

    await paymentAuthorized(order);
    await paymentFailed(order);
    await eventually(
      () =>
        metricValue(h.app, 'orders_saga_absorbed_events_total', {
          trigger: 'payment.failed',
          status: 'cancelled',
        }),
      { until: (value) => value >= 1 },
    );

    expect(await statusOf(h.db, order.id)).toEqual({
      status: 'cancelled',
      cancel_reason: 'customer_cancelled',
    });
    expect(publishedFor('order.confirmed', order.id)).toEqual([]);
    expect(await metricValue(h.app, 'messaging_retried_total', {})).toBe(0);
  });

  it('when an event names an order that does not exist, then it goes to the dead-letter queue at once', async () => {
    const before = await metricValue(h.app, 'messaging_dead_lettered_total', {
      reason: 'permanent',
    });
    await paymentFailed({ id: uuidv7() });
    await eventually(
      () => metricValue(h.app, 'messaging_dead_lettered_total', { reason: 'permanent' }),
      { until: (value) => value === before + 1 },
    );
    expect(await metricValue(h.app, 'messaging_retried_total', {})).toBe(0);
  });

  it('when the authorized amount differs from the total, then the order is still confirmed (and the mismatch logged)', async () => {
    const order = await placeOrder(h, await h.bearer());
    await publishEvent({
      namespace: h.namespace,
      type: 'payment.authorized',
      source: 'payments',
      data: {
        orderId: order.id,
        paymentId: uuidv7(),
        amount: { amount: order.total.amount + 1, currency: 'EUR' },
        provider: 'test',
      },
    });
    expect((await waitForStatus(order.id, 'confirmed')).status).toBe('confirmed');
  });

  it('when messaging is wired, then readiness checks the broker too', async () => {
    const response = await h.app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks).toEqual({ database: 'up', broker: 'up' });
  });

  const ship = (orderId: string, admin: string) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/admin/orders/${orderId}/ship`,
      headers: { authorization: admin },
    });

  function paymentRefunded(order: { id: string; total: { amount: number; currency: string } }) {
    return publishEvent({
      namespace: h.namespace,
      type: 'payment.refunded',
      source: 'payments',
      data: { orderId: order.id, paymentId: uuidv7(), amount: order.total, provider: 'test' },
    });
  }

  it('when the payment of a confirmed order is voided at the provider, then the order is cancelled payment_refunded, shipping it answers 409, and it is counted', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    await paymentAuthorized(order);
    await waitForStatus(order.id, 'confirmed');
    const before = await metricValue(h.app, 'orders_unpaid_total', {
      status: 'confirmed',
      cause: 'refunded',
    });

    await paymentRefunded(order);

    expect(await waitForStatus(order.id, 'cancelled')).toMatchObject({
      cancel_reason: 'payment_refunded',
    });
    expect((await history(order.id, bearer)).at(-1)).toEqual(['cancelled', 'payment_refunded']);
    const shipped = await ship(order.id, await h.bearer(uuidv7(), ['admin']));
    expect(shipped.statusCode).toBe(409);
    // Catalog releases the stock; payments finds nothing left to give back.
    const cancelled = await captured.waitFor(
      (e) => e.type === 'order.cancelled' && (e.data as { orderId: string }).orderId === order.id,
    );
    expect(cancelled.data).toMatchObject({ orderId: order.id, reason: 'payment_declined' });
    expect(
      await metricValue(h.app, 'orders_unpaid_total', { status: 'confirmed', cause: 'refunded' }),
    ).toBe(before + 1);
  });

  it('when an order shipped but its capture failed, then its history shows it and the unpaid shipment is counted', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    await paymentAuthorized(order);
    await waitForStatus(order.id, 'confirmed');
    expect((await ship(order.id, await h.bearer(uuidv7(), ['admin']))).statusCode).toBe(200);
    const labels = { status: 'shipped', cause: 'capture_failed' };
    const before = await metricValue(h.app, 'orders_unpaid_total', labels);

    await publishEvent({
      namespace: h.namespace,
      type: 'payment.capture_failed',
      source: 'payments',
      data: {
        orderId: order.id,
        paymentId: uuidv7(),
        reason: 'not_authorized',
        paymentStatus: 'voided',
      },
    });

    const rows = await eventually(() => history(order.id, bearer), {
      until: (list: string[][]) => list.length === 4,
    });
    expect(rows).toEqual([
      ['pending', 'placed'],
      ['confirmed', 'payment_authorized'],
      ['shipped', 'shipped'],
      ['shipped', 'capture_failed'],
    ]);
    expect(await metricValue(h.app, 'orders_unpaid_total', labels)).toBe(before + 1);
  });

  it('when a cancelled order’s payment is refunded (the compensation itself), then nothing changes', async () => {
    const bearer = await h.bearer();
    const order = await placeOrder(h, bearer);
    await paymentFailed(order);
    await waitForStatus(order.id, 'cancelled');
    await paymentRefunded(order);
    await paymentAuthorized(order); // a later event on the same queue: the refund was handled
    await eventually(
      () =>
        metricValue(h.app, 'orders_saga_absorbed_events_total', {
          trigger: 'payment.authorized',
          status: 'cancelled',
        }),
      { until: (value) => value > 0 },
    );
    expect(await history(order.id, bearer)).toEqual([
      ['pending', 'placed'],
      ['cancelled', 'payment_declined'],
    ]);
  });

  it('when an order waits in the saga, then orders_in_flight counts it under its status until it settles', async () => {
    const pending = () => metricValue(h.app, 'orders_in_flight', { status: 'pending' });
    const before = await pending();
    const order = await placeOrder(h, await h.bearer());
    expect(await pending()).toBe(before + 1);
    await paymentAuthorized(order);
    await waitForStatus(order.id, 'confirmed');
    expect(await pending()).toBe(before);
  });

  it('when the saga settles, then the placed → final latency and the transitions are measured', async () => {
    const confirmedOrder = await placeOrder(h, await h.bearer());
    await paymentAuthorized(confirmedOrder);
    const cancelledOrder = await placeOrder(h, await h.bearer());
    await paymentFailed(cancelledOrder);
    await waitForStatus(confirmedOrder.id, 'confirmed');
    await waitForStatus(cancelledOrder.id, 'cancelled');

    const text = await h.app.metrics.metrics();
    expect(text).toMatch(
      /orders_saga_duration_seconds_count\{[^}]*outcome="confirmed"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(
      /orders_saga_duration_seconds_count\{[^}]*outcome="cancelled"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/orders_status_transitions_total\{[^}]*status="confirmed"[^}]*\} [1-9]/);
    expect(text).toMatch(/orders_in_flight\{[^}]*status="pending"[^}]*\} \d/);
  });
});
