import {
  captureEvents,
  publishEvent,
  testAmqpUrl,
  type CapturedEvents,
} from '@bazaar/messaging/testing';
import { eventually } from '@bazaar/service-kit/testing';
import {
  availableOf,
  createTestContext,
  makeProduct,
  orderCreatedData,
  type TestContext,
} from './fixtures/context.js';

jest.setTimeout(90_000);

describe('catalog over RabbitMQ', () => {
  const url = testAmqpUrl();
  let namespace: string;
  let context: TestContext;
  let captured: CapturedEvents;

  beforeAll(async () => {
    context = await createTestContext('messaging', {}, { messaging: true });
    namespace = context.namespace;
    captured = await captureEvents({
      url,
      namespace,
      types: ['stock.reserved', 'stock.rejected', 'product.created', 'product.updated'],
    });
  });
  afterAll(async () => {
    await captured.close();
    await context.close();
  });

  const orderCreated = (productId: string, quantity: number) =>
    orderCreatedData([{ productId, quantity }]);

  it('when an admin creates a product, then product.created reaches the exchange', async () => {
    const response = await context.app.inject({
      method: 'POST',
      url: '/v1/admin/products',
      headers: { authorization: `Bearer ${context.adminToken}` },
      payload: {
        sku: 'MSG-1',
        name: 'Relayed kettle',
        description: 'Boils',
        brand: 'Brio',
        price: { amount: 3999, currency: 'EUR' },
        stock: 7,
      },
    });
    expect(response.statusCode).toBe(201);
    const event = await captured.waitFor<'product.created'>(
      (e) => e.type === 'product.created' && (e.data as any).product.sku === 'MSG-1',
    );
    expect(event.source).toBe('catalog');
    expect(event.data.product).toMatchObject({ id: response.json().id, stock: { available: 7 } });
  });

  it('when order.created is published, then stock is reserved and stock.reserved is published', async () => {
    const product = await makeProduct(context.db, { stock: 5 });
    const data = orderCreated(product.id, 2);
    await publishEvent({ url, namespace, type: 'order.created', data });
    const event = await captured.waitFor<'stock.reserved'>(
      (e) => e.type === 'stock.reserved' && (e.data as any).orderId === data.orderId,
    );
    expect(event.data).toEqual({
      orderId: data.orderId,
      userId: data.userId,
      lines: [{ productId: product.id, quantity: 2 }],
      total: data.total,
      paymentMethodId: data.paymentMethodId,
    });
    expect(await availableOf(context.db, product.id)).toBe(3);
  });

  it('when an order wants more than there is, then stock.rejected lists the shortage', async () => {
    const product = await makeProduct(context.db, { stock: 1 });
    const data = orderCreated(product.id, 3);
    await publishEvent({ url, namespace, type: 'order.created', data });
    const event = await captured.waitFor<'stock.rejected'>(
      (e) => e.type === 'stock.rejected' && (e.data as any).orderId === data.orderId,
    );
    expect(event.data.shortages).toEqual([{ productId: product.id, requested: 3, available: 1 }]);
    expect(await availableOf(context.db, product.id)).toBe(1);
  });

  it('when order.created is delivered twice (same id, then a new id), then it reserves once', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const data = orderCreated(product.id, 4);
    const first = await publishEvent({ url, namespace, type: 'order.created', data });
    await publishEvent({ url, namespace, type: 'order.created', data, id: first.id });
    const second = await publishEvent({ url, namespace, type: 'order.created', data });
    await captured.waitFor(
      (e) => e.type === 'stock.reserved' && (e.data as any).orderId === data.orderId,
    );
    // Wait until both message ids were handled (the inbox records each once).
    await eventually(async () => {
      const rows = await context.db
        .selectFrom('inbox_messages' as any)
        .select('message_id' as any)
        .where('message_id' as any, 'in', [first.id, second.id])
        .execute();
      return rows.length === 2;
    });
    expect(await availableOf(context.db, product.id)).toBe(6);
    const reservedEvents = captured.events.filter(
      (e) => e.type === 'stock.reserved' && (e.data as any).orderId === data.orderId,
    );
    expect(reservedEvents).toHaveLength(1);
  });

  it('when order.cancelled is delivered twice, then the stock comes back once', async () => {
    const product = await makeProduct(context.db, { stock: 2 });
    const data = orderCreated(product.id, 2);
    await publishEvent({ url, namespace, type: 'order.created', data });
    await captured.waitFor(
      (e) => e.type === 'stock.reserved' && (e.data as any).orderId === data.orderId,
    );
    expect(await availableOf(context.db, product.id)).toBe(0);
    const cancel = {
      orderId: data.orderId,
      userId: data.userId,
      reason: 'payment_declined' as const,
    };
    await publishEvent({ url, namespace, type: 'order.cancelled', data: cancel });
    await publishEvent({ url, namespace, type: 'order.cancelled', data: cancel });
    await eventually(async () => {
      const row = await context.db
        .selectFrom('reservations')
        .select('status')
        .where('order_id', '=', data.orderId)
        .executeTakeFirst();
      return row?.status === 'released';
    });
    // The product went from none to some: search hears about it.
    await captured.waitFor(
      (e) =>
        e.type === 'product.updated' &&
        (e.data as any).product.id === product.id &&
        (e.data as any).product.stock.available === 2,
    );
    await eventually(async () => {
      const rows = await context.db
        .selectFrom('inbox_messages' as any)
        .select('message_id' as any)
        .where('type' as any, '=', 'order.cancelled')
        .execute();
      return rows.length === 2;
    });
    expect(await availableOf(context.db, product.id)).toBe(2);
  });

  it('when the broker is reachable, then readiness reports it', async () => {
    await expect(context.app.messaging.check()).resolves.toBeUndefined();
  });
});
