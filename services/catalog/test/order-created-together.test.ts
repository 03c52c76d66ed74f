import type { EventData, EventEnvelope } from '@bazaar/contracts';
import { queueNames, type Handling, type Logger } from '@bazaar/messaging';
import { publishEvent, readyCount, testAmqpUrl } from '@bazaar/messaging/testing';
import { eventually, outboxRows } from '@bazaar/service-kit/testing';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.js';
import { reserveStock } from '../src/domain/reserve-stock.js';
import { onOrderCreated } from '../src/events/consumers/order-created.js';
import { ORDERS_QUEUE } from '../src/events/subscriptions.js';
import {
  availableOf,
  createTestContext,
  makeProduct,
  orderCreatedData,
  orderCreatedEvent,
  type TestContext,
} from './fixtures/context.js';

jest.setTimeout(90_000);

/**
 * `order.created`'s `together` form, through the real consumer: the orders of a batch that
 * surely fit are reserved by one statement, the rest are left to the handler one by one. A
 * batch is made by holding the consumer on a lone order whose stock row the test has locked,
 * while the others arrive behind it.
 */
describe("order.created's together form (a batch's orders)", () => {
  const url = testAmqpUrl();
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('order_created_together', {}, { messaging: true });
  });
  afterAll(async () => {
    await context.close();
  });

  const orderCreated = orderCreatedData;
  const queue = () => queueNames(context.namespace, ORDERS_QUEUE, []);

  /**
   * Publishes `orders` so that the consumer takes them as one batch: a holder order waits on a
   * lock of its product's stock row, the orders arrive behind it, then the lock goes.
   */
  async function asOneBatch(orders: Array<EventData<'order.created'>>): Promise<void> {
    const held = await makeProduct(context.db, { stock: 10 });
    const holder = orderCreated([{ productId: held.id, quantity: 1 }]);
    await context.db.transaction().execute(async (trx) => {
      await sql`select 1 from stock where product_id = ${held.id} for update`.execute(trx);
      await publishEvent({
        url,
        namespace: context.namespace,
        type: 'order.created',
        data: holder,
      });
      await eventually(() => readyCount(url, queue().main), { until: (n) => n === 0 });
      for (const data of orders) {
        await publishEvent({ url, namespace: context.namespace, type: 'order.created', data });
      }
      await eventually(() => readyCount(url, queue().main), { until: (n) => n === 0 });
    });
  }

  /** Each order's reservation: status, and the transaction and command that wrote it. */
  async function reservations(orders: Array<EventData<'order.created'>>) {
    const { rows } = await sql<{ order_id: string; status: string; written: string }>`
      select order_id, status, xmin::text || '/' || cmin::text as written from reservations
       where order_id = any(${orders.map((o) => o.orderId)}::uuid[])`.execute(context.db);
    return orders.map((o) => rows.find((r) => r.order_id === o.orderId));
  }
  const settled = (orders: Array<EventData<'order.created'>>) =>
    eventually(() => reservations(orders), { until: (rows) => rows.every(Boolean) });

  it('when several new orders that fit arrive in one batch, then ONE statement reserves them all, each with its lines and its stock.reserved', async () => {
    const a = await makeProduct(context.db, { stock: 10 });
    const b = await makeProduct(context.db, { stock: 10 });
    const orders = [
      orderCreated([{ productId: a.id, quantity: 2 }]),
      orderCreated([
        { productId: b.id, quantity: 1 },
        { productId: a.id, quantity: 1 },
      ]),
      orderCreated([{ productId: b.id, quantity: 3 }]),
      orderCreated([
        { productId: a.id, quantity: 1 },
        { productId: a.id, quantity: 1 },
      ]),
    ];

    await asOneBatch(orders);
    const rows = await settled(orders);

    expect(rows.map((r) => r!.status)).toEqual(['reserved', 'reserved', 'reserved', 'reserved']);
    // One transaction, one command in it: the same xmin and cmin on every order's row.
    expect(new Set(rows.map((r) => r!.written)).size).toBe(1);
    expect(await availableOf(context.db, a.id)).toBe(10 - 5);
    expect(await availableOf(context.db, b.id)).toBe(10 - 4);
    for (const order of orders) {
      const [reserved, ...more] = await outboxRows(context.db, {
        type: 'stock.reserved',
        data: { orderId: order.orderId },
      });
      expect(more).toEqual([]);
      expect(reserved!.data).toMatchObject({ orderId: order.orderId, userId: order.userId });
    }
    const [last] = await outboxRows(context.db, {
      type: 'stock.reserved',
      data: { orderId: orders[3]!.orderId },
    });
    expect(last!.data).toMatchObject({ lines: [{ productId: a.id, quantity: 2 }] });
  });

  it('when orders of one batch compete for the last units, then those behind are left to the handler and the outcome is that of one by one: none oversold', async () => {
    /** The same seven orders over products p (5 units) and q (10), in delivery order. */
    const scenario = (p: string, q: string) => [
      orderCreated([{ productId: p, quantity: 3 }]), // fits
      orderCreated([{ productId: q, quantity: 1 }]), // fits
      orderCreated([{ productId: p, quantity: 3 }]), // behind the first: short, rejected
      orderCreated([{ productId: p, quantity: 1 }]), // left, then reserved by the handler
      orderCreated([
        { productId: p, quantity: 2 },
        { productId: q, quantity: 1 },
      ]), // left, short on p only
      orderCreated([{ productId: p, quantity: 1 }]), // left, takes the last unit
      orderCreated([{ productId: q, quantity: 1 }]), // fits, counting the short one ahead
    ];
    const outcome = async (orders: Array<EventData<'order.created'>>, p: string, q: string) => {
      const role = (id: string) => (id === p ? 'p' : id === q ? 'q' : id);
      const result = [];
      for (const order of orders) {
        const [rejected] = await outboxRows(context.db, {
          type: 'stock.rejected',
          data: { orderId: order.orderId },
        });
        const shortages = (rejected?.data.shortages ?? []) as Array<{ productId: string }>;
        result.push({
          status: (await reservations([order]))[0]?.status,
          shortages: shortages.map((s) => ({ ...s, productId: role(s.productId) })),
        });
      }
      const flips = await outboxRows(context.db, {
        type: 'product.updated',
        data: { product: { id: p } },
      });
      return {
        result,
        left: [await availableOf(context.db, p), await availableOf(context.db, q)],
        emptied: flips.map((e) => e.data.product.stock),
      };
    };

    // One by one, each order in a transaction of its own: what the batch must come to.
    const [p1, q1] = [await makeProduct(context.db, { stock: 5 }), await makeProduct(context.db)];
    const oneByOne = scenario(p1.id, q1.id);
    for (const order of oneByOne) {
      await context.db.transaction().execute((trx) => reserveStock(trx, order));
    }

    const [p2, q2] = [await makeProduct(context.db, { stock: 5 }), await makeProduct(context.db)];
    const batch = scenario(p2.id, q2.id);
    await asOneBatch(batch);
    const rows = await settled(batch);

    const expected = await outcome(oneByOne, p1.id, q1.id);
    expect(await outcome(batch, p2.id, q2.id)).toEqual(expected);
    expect(expected.left).toEqual([0, 8]);
    expect(expected.emptied).toEqual([{ available: 0 }]);
    expect(expected.result.map((r) => r.status)).toEqual([
      'reserved',
      'reserved',
      'rejected',
      'reserved',
      'rejected',
      'reserved',
      'reserved',
    ]);
    // The three that surely fit were one statement; each left one was a statement of its own.
    const written = rows.map((r) => r!.written);
    expect(new Set([written[0], written[1], written[6]]).size).toBe(1);
    expect(new Set(written).size).toBe(5);
    expect(new Set(written.map((w) => w.split('/')[0])).size).toBe(1);
    const { rows: units } = await sql<{ n: number }>`
      select coalesce(sum(l.quantity), 0)::int as n from reservation_lines l
        join reservations r using (order_id)
       where l.product_id = ${p2.id} and r.status = 'reserved'`.execute(context.db);
    expect(units[0]!.n).toBe(5);
  });

  it('when one delivery of such a batch fails, then its batch-mates are reserved and it alone is retried and dead-lettered', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const poisoned = uuidv7();
    // The reservation of one user's order fails, wherever it is written.
    await sql`
      create function refuse_poisoned() returns trigger language plpgsql as $$
      begin
        if new.user_id = ${sql.lit(poisoned)}::uuid then raise exception 'poisoned order'; end if;
        return new;
      end $$`.execute(context.db);
    await sql`create trigger refuse_poisoned before insert on reservations
              for each row execute function refuse_poisoned()`.execute(context.db);
    try {
      const orders = [
        orderCreated([{ productId: product.id, quantity: 1 }]),
        orderCreated([{ productId: product.id, quantity: 1 }], poisoned),
        orderCreated([{ productId: product.id, quantity: 1 }]),
      ];

      await asOneBatch(orders);
      await eventually(() => readyCount(url, queue().deadLetter), { until: (n) => n === 1 });

      const rows = await settled([orders[0]!, orders[2]!]);
      expect(rows.map((r) => r!.status)).toEqual(['reserved', 'reserved']);
      expect(await reservations([orders[1]!])).toEqual([undefined]);
      expect(await availableOf(context.db, product.id)).toBe(8);
      const metrics = await context.app.metrics.metrics();
      expect(metrics).toMatch(/messaging_dead_lettered_total\{[^}]*\} 1\n/);
    } finally {
      await sql`drop trigger refuse_poisoned on reservations`.execute(context.db);
      await sql`drop function refuse_poisoned()`.execute(context.db);
    }
  });

  it('when batches of multi-line orders race for few units at once (as replicas would), then no unit is oversold and every order is reserved or rejected once', async () => {
    // The consumer's two steps for a batch, on a patient pool of the same database: the
    // together form and the handler on what it left, in one transaction; when that fails (a
    // deadlock between batches), each message in a transaction of its own.
    const pool = new pg.Pool({
      connectionString: context.database.url,
      max: 12,
      connectionTimeoutMillis: 120_000,
    });
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const quiet = () => undefined;
    const log: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
    const handler = onOrderCreated(log);
    const handling: Handling = { afterCommit: () => undefined };
    const envelope = orderCreatedEvent;
    const inbox = (events: EventEnvelope[]) => (trx: Kysely<Database>) =>
      sql`insert into inbox_messages (queue, message_id, type)
          select ${ORDERS_QUEUE}, id, 'order.created' from unnest(${events.map((e) => e.id)}::uuid[]) as id`.execute(
        trx,
      );
    const apply = async (events: Array<EventEnvelope<'order.created'>>) => {
      try {
        await db.transaction().execute(async (trx) => {
          await inbox(events)(trx);
          const deliveries = events.map((event) => ({ event, within: <R>(fn: () => R) => fn() }));
          const left = new Set(await handler.together!(deliveries, trx, handling));
          for (const event of events) if (left.has(event.id)) await handler(event, trx, handling);
        });
      } catch {
        for (const event of events) {
          await db.transaction().execute(async (trx) => {
            await inbox([event])(trx);
            await handler(event, trx, handling);
          });
        }
      }
    };
    try {
      const products: Array<{ id: string }> = [];
      for (let i = 0; i < 4; i++) products.push(await makeProduct(context.db, { stock: 30 }));
      let seed = 7;
      const random = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
      const batches = Array.from({ length: 20 }, () =>
        Array.from({ length: 10 }, () =>
          envelope(
            orderCreated(
              Array.from({ length: 1 + random(3) }, () => ({
                productId: products[random(4)]!.id,
                quantity: 1 + random(2),
              })),
            ),
          ),
        ),
      );

      await Promise.all(batches.map(apply));

      const orders = batches.flat().map((e) => e.data);
      const rows = await reservations(orders);
      expect(rows.every((r) => r?.status === 'reserved' || r?.status === 'rejected')).toBe(true);
      const reserved = rows.filter((r) => r!.status === 'reserved').length;
      expect(reserved).toBeGreaterThan(0);
      expect(reserved).toBeLessThan(orders.length);
      const ids = new Set(orders.map((o) => o.orderId));
      const published = async (type: 'stock.reserved' | 'stock.rejected') =>
        (await outboxRows(context.db, { type })).filter((r) => ids.has(r.data.orderId)).length;
      expect(await published('stock.reserved')).toBe(reserved);
      expect(await published('stock.rejected')).toBe(orders.length - reserved);
      for (const product of products) {
        const { rows: units } = await sql<{ n: number }>`
          select coalesce(sum(l.quantity), 0)::int as n from reservation_lines l
            join reservations r using (order_id)
           where l.product_id = ${product.id} and r.status = 'reserved'`.execute(context.db);
        const available = await availableOf(context.db, product.id);
        expect(available).toBeGreaterThanOrEqual(0);
        expect(available + units[0]!.n).toBe(30);
      }
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
