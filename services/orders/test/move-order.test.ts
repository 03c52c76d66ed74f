import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { checkWrittenEvent } from '@bazaar/messaging';
import { outboxRows } from '@bazaar/service-kit/testing';
import { insertOrder, listStatusChanges, moveOrderIfIn } from '../src/db/orders-repository.js';
import { transitionEventData, transitionEventRow } from '../src/domain/order-events.js';
import type { OrderEventType, OrderStatus, StatusReason } from '../src/domain/order-state.js';

describe('moveOrderIfIn (a saga step in one statement)', () => {
  let database: TestDatabase<Database>;

  beforeAll(async () => {
    database = await createTestDatabase<Database>('orders_move_order', migrations);
  });
  afterAll(() => database.drop());

  async function pendingOrder(): Promise<string> {
    const id = uuidv7();
    await database.db.transaction().execute((trx) =>
      insertOrder(trx, {
        id,
        userId: uuidv7(),
        status: 'pending',
        lines: [
          {
            productId: uuidv7(),
            sku: 'SKU-1',
            name: 'Teapot',
            quantity: 1,
            unitPrice: { amount: 2450, currency: 'EUR' },
            lineTotal: { amount: 2450, currency: 'EUR' },
          },
        ],
        total: { amount: 2450, currency: 'EUR' },
        shippingAddress: {
          name: 'Ada',
          line1: '1 Rue',
          city: 'Lyon',
          postalCode: '69001',
          country: 'FR',
        },
        payment: { methodId: uuidv7(), brand: 'visa', last4: '4242' },
        cartId: null,
        createdAt: new Date(),
      }),
    );
    return id;
  }

  const move = (id: string, from: 'pending' | 'stock_reserved') =>
    database.db.transaction().execute((trx) =>
      moveOrderIfIn(trx, id, from, {
        to: 'stock_reserved',
        cancelReason: null,
        reason: 'stock_reserved',
        at: new Date(),
      }),
    );

  it('when the order is in the expected status, then it moves, its history has the change, and its head comes back as it was', async () => {
    const id = await pendingOrder();
    const head = await move(id, 'pending');
    expect(head).toMatchObject({ id, status: 'pending', total: { amount: 2450, currency: 'EUR' } });
    const row = await database.db
      .selectFrom('orders')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('stock_reserved');
    const history = await listStatusChanges(database.db, id);
    expect(history.map((h) => [h.status, h.reason])).toEqual([
      ['stock_reserved', 'stock_reserved'],
    ]);
  });

  it('when the order is in another status, then nothing is written and nothing comes back', async () => {
    const id = await pendingOrder();
    expect(await move(id, 'stock_reserved')).toBeUndefined();
    expect(await listStatusChanges(database.db, id)).toEqual([]);
    expect(await move(uuidv7(), 'pending')).toBeUndefined();
  });

  it.each<[OrderEventType, OrderStatus, StatusReason]>([
    ['order.confirmed', 'confirmed', 'payment_authorized'],
    ['order.cancelled', 'cancelled', 'payment_refunded'],
  ])(
    'when the move publishes %s, then the same statement writes its outbox row with the data transitionEventData gives',
    async (type, to, reason) => {
      const id = await pendingOrder();
      const at = new Date();
      const event = transitionEventRow(type, reason, at);
      const head = await database.db
        .transaction()
        .execute((trx) =>
          moveOrderIfIn(
            trx,
            id,
            'pending',
            { to, cancelReason: to === 'cancelled' ? reason : null, reason, at },
            event,
          ),
        );
      const { eventData, ...order } = head!;
      const expected = transitionEventData(type, order, reason);
      expect(eventData).toEqual(expected);
      expect(() => checkWrittenEvent(event.row, eventData)).not.toThrow();
      const rows = await outboxRows(database.db, { data: { orderId: id } });
      expect(rows).toEqual([{ id: event.row.id, type, data: expected, status: 'pending' }]);
    },
  );

  it('when the order is in another status, then no event is written either', async () => {
    const id = await pendingOrder();
    const event = transitionEventRow('order.confirmed', 'payment_authorized', new Date());
    const head = await database.db
      .transaction()
      .execute((trx) =>
        moveOrderIfIn(
          trx,
          id,
          'stock_reserved',
          { to: 'confirmed', cancelReason: null, reason: 'payment_authorized', at: new Date() },
          event,
        ),
      );
    expect(head).toBeUndefined();
    expect(await outboxRows(database.db, { data: { orderId: id } })).toEqual([]);
  });
});
