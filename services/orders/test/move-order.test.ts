import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import type { EventEnvelope } from '@bazaar/contracts';
import { checkWrittenEvent, type Handling } from '@bazaar/messaging';
import { testEnvelope } from '@bazaar/messaging/testing';
import { sql } from 'kysely';
import { outboxRows } from '@bazaar/service-kit/testing';
import { insertOrder, listStatusChanges, moveOrdersIfIn } from '../src/db/orders-repository.js';
import { transitionEventData, transitionEventRow } from '../src/domain/order-events.js';
import type { OrderEventType, OrderStatus, StatusReason } from '../src/domain/order-state.js';
import { onStockReserved } from '../src/events/consumers/stock-reserved.js';
import { onPaymentAuthorized } from '../src/events/consumers/payment-authorized.js';
import type { SagaDeps } from '../src/events/saga-handler.js';
import { SAGA_QUEUE } from '../src/events/subscriptions.js';

describe('moveOrdersIfIn (a saga step in one statement)', () => {
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

  const moveAll = (ids: string[], from: 'pending' | 'stock_reserved') =>
    database.db.transaction().execute((trx) =>
      moveOrdersIfIn(
        trx,
        ids.map((orderId) => ({ orderId })),
        from,
        { to: 'stock_reserved', cancelReason: null, reason: 'stock_reserved', at: new Date() },
      ),
    );
  const move = async (id: string, from: 'pending' | 'stock_reserved') =>
    (await moveAll([id], from))[0];

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
          moveOrdersIfIn(
            trx,
            [{ orderId: id, event: event.row }],
            'pending',
            { to, cancelReason: to === 'cancelled' ? reason : null, reason, at },
            { eventReason: event.reason },
          ),
        );
      const { eventData, ...order } = head[0]!;
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
        moveOrdersIfIn(
          trx,
          [{ orderId: id, event: event.row }],
          'stock_reserved',
          { to: 'confirmed', cancelReason: null, reason: 'payment_authorized', at: new Date() },
          { eventReason: event.reason },
        ),
      );
    expect(head).toEqual([]);
    expect(await outboxRows(database.db, { data: { orderId: id } })).toEqual([]);
  });

  it('when several orders move at once, then those in the status move with each its history row and its own event, and the others are left untouched', async () => {
    const [a, b, elsewhere] = [await pendingOrder(), await pendingOrder(), await pendingOrder()];
    await move(elsewhere, 'pending');
    const at = new Date();
    const events = [a, b, elsewhere].map(() =>
      transitionEventRow('order.confirmed', 'payment_authorized', at),
    );
    const moved = await database.db.transaction().execute((trx) =>
      moveOrdersIfIn(
        trx,
        [a, b, elsewhere].map((orderId, i) => ({ orderId, event: events[i]!.row })),
        'pending',
        { to: 'confirmed', cancelReason: null, reason: 'payment_authorized', at },
      ),
    );
    expect(moved.map((order) => order.id).sort()).toEqual([a, b].sort());
    for (const [i, id] of [a, b].entries()) {
      const order = moved.find((o) => o.id === id)!;
      expect(order.eventData).toEqual(transitionEventData('order.confirmed', order, ''));
      expect(await outboxRows(database.db, { data: { orderId: id } })).toEqual([
        expect.objectContaining({ id: events[i]!.row.id, type: 'order.confirmed' }),
      ]);
      expect((await listStatusChanges(database.db, id)).map((h) => h.status)).toEqual([
        'confirmed',
      ]);
    }
    expect(await outboxRows(database.db, { data: { orderId: elsewhere } })).toEqual([]);
    expect((await listStatusChanges(database.db, elsewhere)).map((h) => h.status)).toEqual([
      'stock_reserved',
    ]);
  });

  it('when some moves publish and others do not, or an inbox row goes with several moves, then it refuses before writing', async () => {
    const [a, b] = [await pendingOrder(), await pendingOrder()];
    const change = {
      to: 'confirmed' as const,
      cancelReason: null,
      reason: 'payment_authorized' as const,
      at: new Date(),
    };
    const event = transitionEventRow('order.confirmed', 'payment_authorized', new Date());
    await expect(
      moveOrdersIfIn(
        database.db,
        [{ orderId: a, event: event.row }, { orderId: b }],
        'pending',
        change,
      ),
    ).rejects.toThrow(/every move publishes its event or none/);
    await expect(
      moveOrdersIfIn(database.db, [{ orderId: a }, { orderId: b }], 'pending', change, {
        inbox: { queue: SAGA_QUEUE, messageId: uuidv7(), type: 'payment.authorized' },
      }),
    ).rejects.toThrow(/one move only/);
    expect(await listStatusChanges(database.db, a)).toEqual([]);
  });

  describe("the saga handlers' alone forms (a delivery on its own)", () => {
    const transitions: string[] = [];
    const deps: SagaDeps = {
      now: () => new Date(),
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
      metrics: {
        transitioned: (to) => transitions.push(to),
        settled: () => undefined,
        absorbed: () => undefined,
        unpaid: () => undefined,
      },
    };
    const alone = onStockReserved(deps).alone!;

    const reserved = (orderId: string) =>
      testEnvelope('stock.reserved', {
        orderId,
        userId: uuidv7(),
        lines: [{ productId: uuidv7(), quantity: 1 }],
        total: { amount: 2450, currency: 'EUR' },
        paymentMethodId: uuidv7(),
      });
    const authorized = (orderId: string, amount: number) =>
      testEnvelope('payment.authorized', {
        orderId,
        paymentId: uuidv7(),
        amount: { amount, currency: 'EUR' },
        provider: 'test',
      });
    // Orders' handlers ask for nothing after their commit.
    const handling: Handling = { afterCommit: () => undefined };
    const entry = (event: EventEnvelope) => ({
      queue: SAGA_QUEUE,
      messageId: event.id,
      type: event.type,
    });
    async function inboxed(event: EventEnvelope): Promise<number> {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from inbox_messages
        where queue = ${SAGA_QUEUE} and message_id = ${event.id}::uuid`.execute(database.db);
      return rows[0]!.count;
    }
    const status = async (id: string) =>
      (
        await database.db
          .selectFrom('orders')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status;

    it('when the order is pending, then it moves with its history and inbox rows, and the move is counted', async () => {
      const id = await pendingOrder();
      const event = reserved(id);
      expect(await alone(event, database.db, entry(event), handling)).toBe(true);
      expect(await status(id)).toBe('stock_reserved');
      expect((await listStatusChanges(database.db, id)).map((h) => h.reason)).toEqual([
        'stock_reserved',
      ]);
      expect(await inboxed(event)).toBe(1);
      expect(transitions).toContain('stock_reserved');
    });

    it('when the order is elsewhere, then it declines and writes nothing, not even the inbox row', async () => {
      const id = await pendingOrder();
      await move(id, 'pending');
      const event = reserved(id);
      expect(await alone(event, database.db, entry(event), handling)).toBe(false);
      expect(await inboxed(event)).toBe(0);
      expect(await listStatusChanges(database.db, id)).toHaveLength(1);
    });

    it('when the message was handled before (its inbox row is there), then the statement fails and the order does not move', async () => {
      const id = await pendingOrder();
      const event = reserved(id);
      await sql`
        insert into inbox_messages (queue, message_id, type)
        values (${SAGA_QUEUE}, ${event.id}::uuid, ${event.type})`.execute(database.db);
      await expect(alone(event, database.db, entry(event), handling)).rejects.toThrow(
        /duplicate key/,
      );
      expect(await status(id)).toBe('pending');
      expect(await listStatusChanges(database.db, id)).toEqual([]);
    });

    it('when payment.authorized finds the order stock_reserved, then it is confirmed with its history, order.confirmed and inbox rows', async () => {
      const id = await pendingOrder();
      await move(id, 'pending');
      const event = authorized(id, 2450);
      expect(
        await onPaymentAuthorized(deps).alone!(event, database.db, entry(event), handling),
      ).toBe(true);
      expect(await status(id)).toBe('confirmed');
      expect(await inboxed(event)).toBe(1);
      const rows = await outboxRows(database.db, { data: { orderId: id } });
      expect(rows).toEqual([
        expect.objectContaining({ type: 'order.confirmed', status: 'pending' }),
      ]);
      // Already confirmed: declined, nothing more written.
      const again = { ...event, id: uuidv7() };
      expect(
        await onPaymentAuthorized(deps).alone!(again, database.db, entry(again), handling),
      ).toBe(false);
      expect(await inboxed(again)).toBe(0);
      expect(await outboxRows(database.db, { data: { orderId: id } })).toHaveLength(1);
    });

    it("when payment.authorized's together form confirms a batch's orders, then an amount other than an order's total is logged as an error for that order only", async () => {
      const errors: Array<Record<string, unknown>> = [];
      const logged: SagaDeps = {
        ...deps,
        log: { ...deps.log, error: (fields: Record<string, unknown>) => errors.push(fields) },
      };
      const right = await pendingOrder();
      const wrong = await pendingOrder();
      await moveAll([right, wrong], 'pending');
      const deliveries = [authorized(right, 2450), authorized(wrong, 2449)].map((event) => ({
        event,
        within: <R>(fn: () => R): R => fn(),
      }));
      const left = await database.db
        .transaction()
        .execute((trx) => onPaymentAuthorized(logged).together!(deliveries, trx, handling));
      expect(left).toEqual([]);
      expect([await status(right), await status(wrong)]).toEqual(['confirmed', 'confirmed']);
      expect(errors).toEqual([
        expect.objectContaining({ orderId: wrong, authorized: { amount: 2449, currency: 'EUR' } }),
      ]);
    });
  });
});
