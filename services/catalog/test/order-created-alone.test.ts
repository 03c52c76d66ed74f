import type { EventEnvelope } from '@bazaar/contracts';
import type { Handling, InboxEntry, Logger } from '@bazaar/messaging';
import { outboxRows } from '@bazaar/service-kit/testing';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.js';
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

/**
 * The `order.created` handler's `alone` form: a delivery that arrives on its own (a batch of
 * one) is applied by ONE statement outside any transaction, or by nothing, and then the
 * consumer applies it in its transaction as before. These tests call the handler's two forms
 * as the consumer does (`@bazaar/messaging`'s one-statement tests cover the consumer's side).
 */
describe("order.created's alone form (a delivery on its own)", () => {
  let context: TestContext;
  // Hundreds of orders race below on a patient pool of the same database (see reservations.test).
  let db: Kysely<Database>;
  /** Every statement sent through `db`. */
  const sent: string[] = [];
  const quiet = () => undefined;
  const log: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
  const handler = onOrderCreated(log);
  const alone = handler.alone!;

  beforeAll(async () => {
    context = await createTestContext('order_created_alone');
    const pool = new pg.Pool({
      connectionString: context.database.url,
      max: 20,
      connectionTimeoutMillis: 120_000,
    });
    pool.on('error', () => undefined);
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === 'query') sent.push(event.query.sql);
      },
    });
  });
  afterAll(async () => {
    await db.destroy();
    await context.close();
  });

  const orderCreated = (lines: Array<{ productId: string; quantity: number }>) =>
    orderCreatedEvent(orderCreatedData(lines));
  // Catalog's handlers ask for nothing after their commit.
  const handling: Handling = { afterCommit: () => undefined };
  const entry = (e: EventEnvelope): InboxEntry => ({
    queue: ORDERS_QUEUE,
    messageId: e.id,
    type: e.type,
  });

  /**
   * What the consumer does with a delivery on its own: the alone statement; when it declines or
   * fails (having written nothing), the transaction: the inbox row, then the handler if new.
   */
  async function consume(e: EventEnvelope<'order.created'>): Promise<'alone' | 'transaction'> {
    try {
      if (await alone(e, db, entry(e), handling)) return 'alone';
    } catch {
      // A message handled before: its inbox row refused the statement; the transaction sees it.
    }
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql`
        insert into inbox_messages (queue, message_id, type)
        values (${ORDERS_QUEUE}, ${e.id}::uuid, ${e.type})
        on conflict do nothing returning message_id`.execute(trx);
      if (rows.length === 1) await handler(e, trx, handling);
    });
    return 'transaction';
  }

  /** The SQL `work` sent through `db`, BEGIN and COMMIT included (kysely logs each). */
  async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
    sent.length = 0;
    await work();
    return sent.splice(0);
  }

  async function inboxed(e: EventEnvelope): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from inbox_messages
       where queue = ${ORDERS_QUEUE} and message_id = ${e.id}::uuid`.execute(context.db);
    return rows[0]!.n;
  }
  async function reservationOf(orderId: string): Promise<string | undefined> {
    const row = await context.db
      .selectFrom('reservations')
      .select('status')
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return row?.status;
  }
  const eventsOf = async (type: 'stock.reserved' | 'stock.rejected', orderId: string) =>
    outboxRows(context.db, { type, data: { orderId } });

  it('when a lone order leaves every line some stock, then ONE statement (no BEGIN, no COMMIT) reserves it, stores its lines, and writes stock.reserved and the inbox row', async () => {
    const a = await makeProduct(context.db, { stock: 5 });
    const b = await makeProduct(context.db, { stock: 5 });
    const e = orderCreated([
      { productId: b.id, quantity: 2 },
      { productId: a.id, quantity: 1 },
    ]);

    let applied: boolean | undefined;
    const statements = await statementsDuring(async () => {
      applied = await alone(e, db, entry(e), handling);
    });

    expect(applied).toBe(true);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^\s*with orders as/);
    // The handler in a transaction, for comparison: the log sees BEGIN and COMMIT too.
    const other = orderCreated([{ productId: a.id, quantity: 1 }]);
    const inTransaction = await statementsDuring(() =>
      db.transaction().execute((trx) => handler(other, trx, handling)),
    );
    expect(inTransaction.map((text) => text.trim().split(/\s/)[0])).toEqual([
      'begin',
      'with',
      'commit',
    ]);
    expect(await availableOf(context.db, a.id)).toBe(3);
    expect(await availableOf(context.db, b.id)).toBe(3);
    expect(await reservationOf(e.data.orderId)).toBe('reserved');
    expect(await inboxed(e)).toBe(1);
    const [reserved, ...more] = await eventsOf('stock.reserved', e.data.orderId);
    expect(more).toEqual([]);
    expect(reserved!.data).toEqual({
      orderId: e.data.orderId,
      userId: e.data.userId,
      lines: [
        { productId: a.id, quantity: 1 },
        { productId: b.id, quantity: 2 },
      ].sort((x, y) => (x.productId < y.productId ? -1 : 1)),
      total: e.data.total,
      paymentMethodId: e.data.paymentMethodId,
    });
  });

  it('when the same message comes again after its statement applied it, then the copy reserves nothing and publishes nothing, alone or in the transaction', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const e = orderCreated([{ productId: product.id, quantity: 4 }]);
    expect(await consume(e)).toBe('alone');

    expect(await alone(e, context.db, entry(e), handling)).toBe(false);
    expect(await consume(e)).toBe('transaction');

    expect(await availableOf(context.db, product.id)).toBe(6);
    expect(await inboxed(e)).toBe(1);
    expect(await eventsOf('stock.reserved', e.data.orderId)).toHaveLength(1);
  });

  it('when the same order comes under a new message id, then it declines, writes nothing, and the transaction reserves nothing more', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const first = orderCreated([{ productId: product.id, quantity: 4 }]);
    expect(await consume(first)).toBe('alone');
    const again = { ...first, id: uuidv7() };

    expect(await alone(again, context.db, entry(again), handling)).toBe(false);
    expect(await inboxed(again)).toBe(0);
    expect(await consume(again)).toBe('transaction');

    expect(await inboxed(again)).toBe(1);
    expect(await availableOf(context.db, product.id)).toBe(6);
    expect(await eventsOf('stock.reserved', first.data.orderId)).toHaveLength(1);
  });

  it('when the message was handled before (its inbox row is there), then the statement fails and takes nothing', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const e = orderCreated([{ productId: product.id, quantity: 4 }]);
    await sql`
      insert into inbox_messages (queue, message_id, type)
      values (${ORDERS_QUEUE}, ${e.id}::uuid, ${e.type})`.execute(context.db);

    await expect(alone(e, context.db, entry(e), handling)).rejects.toThrow(/duplicate key/);

    expect(await availableOf(context.db, product.id)).toBe(10);
    expect(await reservationOf(e.data.orderId)).toBeUndefined();
    expect(await eventsOf('stock.reserved', e.data.orderId)).toEqual([]);
  });

  it('when a lone order is short, then the statement writes nothing and the transaction rejects it with stock.rejected, once', async () => {
    const plenty = await makeProduct(context.db, { stock: 10 });
    const scarce = await makeProduct(context.db, { stock: 1 });
    const e = orderCreated([
      { productId: plenty.id, quantity: 3 },
      { productId: scarce.id, quantity: 2 },
    ]);

    expect(await alone(e, context.db, entry(e), handling)).toBe(false);
    expect(await reservationOf(e.data.orderId)).toBeUndefined();
    expect(await inboxed(e)).toBe(0);
    expect(await eventsOf('stock.rejected', e.data.orderId)).toEqual([]);

    expect(await consume(e)).toBe('transaction');
    expect(await consume(e)).toBe('transaction');
    expect(await reservationOf(e.data.orderId)).toBe('rejected');
    expect(await availableOf(context.db, plenty.id)).toBe(10);
    expect(await availableOf(context.db, scarce.id)).toBe(1);
    const rejected = await eventsOf('stock.rejected', e.data.orderId);
    expect(rejected.map((r) => r.data.shortages)).toEqual([
      [{ productId: scarce.id, requested: 2, available: 1 }],
    ]);
    expect(await eventsOf('stock.reserved', e.data.orderId)).toEqual([]);
  });

  it('when a lone order would take the last unit, then the statement writes nothing and the transaction reserves it and tells search', async () => {
    const product = await makeProduct(context.db, { stock: 2 });
    const e = orderCreated([{ productId: product.id, quantity: 2 }]);

    expect(await alone(e, context.db, entry(e), handling)).toBe(false);
    expect(await availableOf(context.db, product.id)).toBe(2);
    expect(await reservationOf(e.data.orderId)).toBeUndefined();

    expect(await consume(e)).toBe('transaction');
    expect(await availableOf(context.db, product.id)).toBe(0);
    expect(await eventsOf('stock.reserved', e.data.orderId)).toHaveLength(1);
    const updates = (await outboxRows(context.db, { type: 'product.updated' })).filter(
      (u) => u.data.product.id === product.id,
    );
    expect(updates.map((u) => u.data.product.stock.available)).toEqual([0]);
  });

  it('when its order.cancelled came first, then the statement writes nothing and the transaction reserves nothing', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const e = orderCreated([{ productId: product.id, quantity: 4 }]);
    await sql`
      insert into reservations (order_id, user_id, status)
      values (${e.data.orderId}, ${e.data.userId}, 'cancelled')`.execute(context.db);

    expect(await alone(e, context.db, entry(e), handling)).toBe(false);
    expect(await consume(e)).toBe('transaction');

    expect(await reservationOf(e.data.orderId)).toBe('cancelled');
    expect(await availableOf(context.db, product.id)).toBe(10);
    expect(await eventsOf('stock.reserved', e.data.orderId)).toEqual([]);
    expect(await eventsOf('stock.rejected', e.data.orderId)).toEqual([]);
  });

  it('when the same lone message is applied twice at once, then one reserves and the other writes nothing', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const e = orderCreated([{ productId: product.id, quantity: 4 }]);

    const ways = await Promise.all([consume(e), consume(e)]);

    expect(ways).toContain('alone');
    expect(await availableOf(context.db, product.id)).toBe(6);
    expect(await inboxed(e)).toBe(1);
    expect(await eventsOf('stock.reserved', e.data.orderId)).toHaveLength(1);
  });

  it('when 300 lone single-unit orders race for 50 units, then exactly 50 are reserved (49 alone, the last unit in a transaction), 250 rejected, stock ends at 0', async () => {
    const product = await makeProduct(context.db, { stock: 50 });
    const orders = Array.from({ length: 300 }, () =>
      orderCreated([{ productId: product.id, quantity: 1 }]),
    );

    const ways = await Promise.all(orders.map(consume));

    expect(ways.filter((w) => w === 'alone')).toHaveLength(49);
    expect(await availableOf(context.db, product.id)).toBe(0);
    const ids = new Set(orders.map((o) => o.data.orderId));
    const reserved = (await outboxRows(context.db, { type: 'stock.reserved' })).filter((r) =>
      ids.has(r.data.orderId),
    );
    const rejected = (await outboxRows(context.db, { type: 'stock.rejected' })).filter((r) =>
      ids.has(r.data.orderId),
    );
    expect([reserved.length, rejected.length]).toEqual([50, 250]);
    const { rows } = await sql<{ units: number }>`
      select coalesce(sum(l.quantity), 0)::int as units
        from reservation_lines l join reservations r using (order_id)
       where l.product_id = ${product.id} and r.status = 'reserved'`.execute(context.db);
    expect(rows[0]!.units).toBe(50);
  }, 120_000);
});
