import { createDb } from '@bazaar/db';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.js';
import { findPrices } from '../src/db/prices-repository.js';
import {
  createTestContext,
  makeCategory,
  makeProduct,
  type TestContext,
} from './fixtures/context.js';

describe('internal price lookup and export', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('prices');
  });
  afterAll(async () => {
    await context.close();
  });

  const prices = (productIds: unknown) =>
    context.app.inject({ method: 'POST', url: '/internal/prices', payload: { productIds } });

  it('when known and unknown ids are asked, then prices come back in order and unknown ids are listed', async () => {
    const a = await makeProduct(context.db, { price: { amount: 1250, currency: 'EUR' }, stock: 3 });
    const b = await makeProduct(context.db, { price: { amount: 99, currency: 'EUR' }, stock: 0 });
    const unknown = '01890000-0000-7000-8000-000000000001';
    const response = await prices([b.id, unknown, a.id, b.id.toUpperCase()]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [
        {
          productId: b.id,
          sku: b.sku,
          name: b.name,
          price: { amount: 99, currency: 'EUR' },
          available: 0,
        },
        {
          productId: a.id,
          sku: a.sku,
          name: a.name,
          price: { amount: 1250, currency: 'EUR' },
          available: 3,
        },
      ],
      unknown: [unknown],
    });
  });

  it('when a hundred ids are asked, then all are answered; more, none, or malformed ids are 400 problems', async () => {
    const ids = Array.from(
      { length: 100 },
      (_, i) => `01890000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    );
    const full = await prices(ids);
    expect(full.statusCode).toBe(200);
    expect(full.json().unknown).toHaveLength(100);
    expect((await prices([...ids, '01890000-0000-7000-8000-999999999999'])).statusCode).toBe(400);
    expect((await prices([])).statusCode).toBe(400);
    const malformed = await prices(['not-a-uuid']);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when lookups of one id and of several run, then each number of ids is one named prepared statement', async () => {
    // The kit's pool with one connection, so that connection's prepared statements are the
    // lookups' (the app's pool is the same `createDb`, with more connections).
    const db = createDb<Database>(context.database.url, { poolSize: 1 });
    try {
      const a = await makeProduct(context.db, { stock: 2 });
      const b = await makeProduct(context.db, { stock: 0 });
      expect(await findPrices(db, [a.id])).toEqual([expect.objectContaining({ available: 2 })]);
      expect(await findPrices(db, [b.id])).toEqual([expect.objectContaining({ available: 0 })]);
      expect(await findPrices(db, [a.id, b.id])).toHaveLength(2);
      const { rows } = await sql<{ name: string }>`
        select name from pg_prepared_statements order by name`.execute(db);
      expect(rows.map((row) => row.name)).toEqual([
        expect.stringMatching(/^select_products_[0-9a-f]{12}$/),
        expect.stringMatching(/^select_products_[0-9a-f]{12}$/),
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('when the lookup of one product runs again and again on a connection, then Postgres keeps its plan instead of planning every run', async () => {
    // Postgres plans a prepared statement's first five runs for their values, then keeps a
    // generic plan only if it costs no more than those: a lookup planned at every run costs
    // several times its execution.
    const db = createDb<Database>(context.database.url, { poolSize: 1 });
    try {
      const a = await makeProduct(context.db, { stock: 2 });
      const b = await makeProduct(context.db, { stock: 1 });
      for (let i = 0; i < 10; i++) {
        await findPrices(db, [a.id]);
        await findPrices(db, [a.id, b.id]);
      }
      const { rows } = await sql<{ generic_plans: number; custom_plans: number }>`
        select generic_plans, custom_plans from pg_prepared_statements`.execute(db);
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row).toEqual({ generic_plans: 5, custom_plans: 5 });
    } finally {
      await db.destroy();
    }
  });

  it('when search exports the catalog page by page, then it gets every full document once', async () => {
    const parent = await makeCategory(context.db, 'export-root');
    const child = await makeCategory(context.db, 'export-child', parent);
    for (let i = 0; i < 5; i++)
      await makeProduct(context.db, { categoryId: child, attributes: { n: String(i) } });
    const seen = new Map<string, { category: unknown; version: number }>();
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await context.app.inject({ url: `/internal/products?limit=3${query}` });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      for (const item of body.items) seen.set(item.id, item);
      cursor = body.nextCursor;
    } while (cursor);
    const total = (await context.app.inject({ url: '/v1/products?limit=100' })).json().items.length;
    expect(seen.size).toBe(total);
    const exported = [...seen.values()].filter(
      (d) => (d.category as { id: string } | null)?.id === child,
    );
    expect(exported).toHaveLength(5);
    expect(exported[0]).toMatchObject({
      category: { id: child, name: 'export child', ancestorIds: [parent] },
      version: 1,
    });
    expect((await context.app.inject({ url: '/internal/products?cursor=nope' })).statusCode).toBe(
      400,
    );
  });
});

describe('the price lookup under a fault drill', () => {
  it('when BAZAAR_FAULTS fails catalog.prices, then the lookup answers 503 with Retry-After', async () => {
    const drilled = await createTestContext('prices_drill', {
      BAZAAR_FAULTS: 'catalog.prices:error=1',
    });
    try {
      const product = await makeProduct(drilled.db);
      const response = await drilled.app.inject({
        method: 'POST',
        url: '/internal/prices',
        payload: { productIds: [product.id] },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({ code: 'INJECTED_FAULT' });
    } finally {
      await drilled.close();
    }
  });
});
