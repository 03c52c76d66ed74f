import type { EventData } from '@bazaar/contracts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { outboxRows } from '@bazaar/service-kit/testing';
import type { Database } from '../src/db/database.js';
import { releaseStock } from '../src/domain/release-stock.js';
import { reserveStock } from '../src/domain/reserve-stock.js';
import {
  availableOf,
  createTestContext,
  makeProduct,
  orderCreatedData,
  type TestContext,
} from './fixtures/context.js';

describe('stock reservations', () => {
  let context: TestContext;
  // Hundreds of orders queue for 20 connections here, as deliveries do for the service's pool;
  // on a busy machine a queued order may wait longer than the default 5 s pool timeout, which
  // would be a test artefact, not a reservation failure. So: the same database, a patient pool.
  let db: Kysely<Database>;

  beforeAll(async () => {
    context = await createTestContext('reservations');
    const pool = new pg.Pool({
      connectionString: context.database.url,
      max: 20,
      connectionTimeoutMillis: 120_000,
    });
    // As createDb does: a session the server ends (the database dropped at the end) must not
    // become an unhandled 'error' event of the pool.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  });
  afterAll(async () => {
    await db.destroy();
    await context.close();
  });

  const reserve = (data: EventData<'order.created'>) =>
    db.transaction().execute((trx) => reserveStock(trx, data));
  const release = (data: { orderId: string; userId: string }) =>
    db.transaction().execute((trx) => releaseStock(trx, data));
  const reservedUnits = async (productId: string) => {
    const row = await sql<{ units: number }>`
      select coalesce(sum(l.quantity), 0)::int as units
        from reservation_lines l join reservations r using (order_id)
       where l.product_id = ${productId} and r.status = 'reserved'`.execute(context.db);
    return row.rows[0].units;
  };

  it('when every line is in stock, then all are reserved and stock.reserved echoes total and payment method', async () => {
    const a = await makeProduct(context.db, { stock: 5 });
    const b = await makeProduct(context.db, { stock: 5 });
    const data = orderCreatedData([
      { productId: b.id, quantity: 2 },
      { productId: a.id, quantity: 1 },
      { productId: b.id, quantity: 1 },
    ]);
    const result = await reserve(data);
    expect(result.outcome).toBe('reserved');
    expect(await availableOf(context.db, a.id)).toBe(4);
    expect(await availableOf(context.db, b.id)).toBe(2);
    const event = (await outboxRows(context.db, { type: 'stock.reserved' })).find(
      (e) => e.data.orderId === data.orderId,
    );
    expect(event?.data).toEqual({
      orderId: data.orderId,
      userId: data.userId,
      lines: [
        { productId: a.id, quantity: 1 },
        { productId: b.id, quantity: 3 },
      ].sort((x, y) => (x.productId < y.productId ? -1 : 1)),
      total: data.total,
      paymentMethodId: data.paymentMethodId,
    });
  });

  it('when one line is short or unknown, then nothing is reserved and stock.rejected lists the shortages', async () => {
    const plenty = await makeProduct(context.db, { stock: 10 });
    const scarce = await makeProduct(context.db, { stock: 1 });
    const unknown = uuidv7();
    const data = orderCreatedData([
      { productId: plenty.id, quantity: 3 },
      { productId: scarce.id, quantity: 2 },
      { productId: unknown, quantity: 1 },
    ]);
    const result = await reserve(data);
    expect(result).toEqual({
      outcome: 'rejected',
      shortages: expect.arrayContaining([
        { productId: scarce.id, requested: 2, available: 1 },
        { productId: unknown, requested: 1, available: 0 },
      ]),
    });
    expect(result.outcome === 'rejected' && result.shortages).toHaveLength(2);
    expect(await availableOf(context.db, plenty.id)).toBe(10);
    expect(await availableOf(context.db, scarce.id)).toBe(1);
    const event = (await outboxRows(context.db, { type: 'stock.rejected' })).find(
      (e) => e.data.orderId === data.orderId,
    );
    expect(event?.data.shortages).toHaveLength(2);
    // The reservation statement writes stock.reserved only when it takes every line.
    expect(
      await outboxRows(context.db, { type: 'stock.reserved', data: { orderId: data.orderId } }),
    ).toEqual([]);
    // A rejected order holds nothing: its cancellation gives nothing back.
    expect(await release(data)).toEqual({ outcome: 'nothing-held' });
    expect(await availableOf(context.db, plenty.id)).toBe(10);
  });

  it('when 300 single-unit orders race for 50 units, then exactly 50 are reserved, 250 rejected, stock ends at 0', async () => {
    const product = await makeProduct(context.db, { stock: 50 });
    const orders = Array.from({ length: 300 }, () =>
      orderCreatedData([{ productId: product.id, quantity: 1 }]),
    );
    const results = await Promise.all(orders.map(reserve));
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(50);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(250);
    expect(await availableOf(context.db, product.id)).toBe(0);
    expect(await reservedUnits(product.id)).toBe(50);
    const ids = new Set(orders.map((o) => o.orderId));
    const reserved = (await outboxRows(context.db, { type: 'stock.reserved' })).filter((e) =>
      ids.has(e.data.orderId),
    );
    const rejected = (await outboxRows(context.db, { type: 'stock.rejected' })).filter((e) =>
      ids.has(e.data.orderId),
    );
    expect([reserved.length, rejected.length]).toEqual([50, 250]);
    expect(rejected.every((e) => e.data.shortages[0].available === 0)).toBe(true);
  }, 120_000);

  it('when stock would go below zero by any path, then the CHECK constraint refuses it', async () => {
    const product = await makeProduct(context.db, { stock: 1 });
    await expect(
      sql`update stock set available = available - 2 where product_id = ${product.id}`.execute(
        context.db,
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('when 200 multi-line orders over overlapping products race in random line order, then no deadlock surfaces and stock reconciles', async () => {
    const products = await Promise.all(
      Array.from({ length: 6 }, () => makeProduct(context.db, { stock: 60 })),
    );
    const random = (n: number) => Math.floor(Math.random() * n);
    const orders = Array.from({ length: 200 }, () => {
      const picked = [...products].sort(() => Math.random() - 0.5).slice(0, 2 + random(4));
      return orderCreatedData(picked.map((p) => ({ productId: p.id, quantity: 1 + random(3) })));
    });
    const settled = await Promise.allSettled(orders.map(reserve));
    const failures = settled.filter((s) => s.status === 'rejected');
    expect(failures).toEqual([]);
    const outcomes = settled.map((s) => (s.status === 'fulfilled' ? s.value.outcome : 'error'));
    expect(outcomes.filter((o) => o === 'reserved').length).toBeGreaterThan(0);
    expect(
      outcomes.filter((o) => o === 'reserved').length +
        outcomes.filter((o) => o === 'rejected').length,
    ).toBe(200);
    for (const product of products) {
      const available = await availableOf(context.db, product.id);
      expect(available).toBeGreaterThanOrEqual(0);
      expect(available + (await reservedUnits(product.id))).toBe(60);
    }
    // Cancelling every order gives back exactly what was taken.
    await Promise.all(orders.map(release));
    for (const product of products) expect(await availableOf(context.db, product.id)).toBe(60);
  }, 120_000);

  it('when the same order.created is handled twice, even at once, then it reserves once', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const data = orderCreatedData([{ productId: product.id, quantity: 4 }]);
    const results = await Promise.all([reserve(data), reserve(data)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['duplicate', 'reserved']);
    expect((await reserve(data)).outcome).toBe('duplicate');
    expect(await availableOf(context.db, product.id)).toBe(6);
    const events = await outboxRows(context.db, {
      type: 'stock.reserved',
      data: { orderId: data.orderId },
    });
    expect(events).toHaveLength(1);
  });

  it('when the same order.cancelled is handled twice, even at once, then it releases once', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const data = orderCreatedData([{ productId: product.id, quantity: 4 }]);
    await reserve(data);
    const results = await Promise.all([release(data), release(data)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['nothing-held', 'released']);
    expect((await release(data)).outcome).toBe('nothing-held');
    expect(await availableOf(context.db, product.id)).toBe(10);
  });

  it('when order.cancelled arrives before its order.created, then the late order reserves nothing', async () => {
    const product = await makeProduct(context.db, { stock: 10 });
    const data = orderCreatedData([{ productId: product.id, quantity: 4 }]);
    expect(await release(data)).toEqual({ outcome: 'nothing-held' });
    expect(await reserve(data)).toEqual({ outcome: 'cancelled' });
    expect(await availableOf(context.db, product.id)).toBe(10);
    expect(
      (await outboxRows(context.db, { type: ['stock.reserved', 'stock.rejected'] })).some(
        (e) => e.data.orderId === data.orderId,
      ),
    ).toBe(false);
  });

  it('when a reservation empties a product or a release refills it, then product.updated tells search', async () => {
    const product = await makeProduct(context.db, { stock: 3 });
    const updatesOf = async () =>
      (await outboxRows(context.db, { type: 'product.updated' })).filter(
        (e) => e.data.product.id === product.id,
      );
    const partial = orderCreatedData([{ productId: product.id, quantity: 1 }]);
    await reserve(partial);
    expect(await updatesOf()).toHaveLength(0);
    const emptying = orderCreatedData([{ productId: product.id, quantity: 2 }]);
    await reserve(emptying);
    let updates = await updatesOf();
    expect(updates).toHaveLength(1);
    expect(updates[0].data.product).toMatchObject({ stock: { available: 0 }, version: 2 });
    await release(emptying);
    updates = await updatesOf();
    expect(updates).toHaveLength(2);
    expect(updates[1].data.product).toMatchObject({ stock: { available: 2 }, version: 3 });
    await release(partial);
    expect(await updatesOf()).toHaveLength(2);
  });

  it('when a product is deleted while an order holds it, then the cancellation still completes', async () => {
    const kept = await makeProduct(context.db, { stock: 5 });
    const doomed = await makeProduct(context.db, { stock: 5 });
    const data = orderCreatedData([
      { productId: kept.id, quantity: 1 },
      { productId: doomed.id, quantity: 1 },
    ]);
    await reserve(data);
    await context.db.deleteFrom('products').where('id', '=', doomed.id).execute();
    expect((await release(data)).outcome).toBe('released');
    expect(await availableOf(context.db, kept.id)).toBe(5);
  });
});
