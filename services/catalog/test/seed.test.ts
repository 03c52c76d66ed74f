import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { outboxRows } from '@bazaar/service-kit/testing';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { getCategoryTree } from '../src/domain/category-tree.js';
import { seedCatalog, seedCatalogIfEmpty } from '../src/seed/seed-catalog.js';
describe('demo catalog seeding', () => {
  let first: TestDatabase<Database>;
  let second: TestDatabase<Database>;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      createTestDatabase<Database>('catalog_seed_a', migrations),
      createTestDatabase<Database>('catalog_seed_b', migrations),
    ]);
  });
  afterAll(async () => {
    await Promise.all([first.drop(), second.drop()]);
  });

  const snapshot = (database: TestDatabase<Database>) =>
    database.db
      .selectFrom('products as p')
      .innerJoin('stock as s', 's.product_id', 'p.id')
      .select([
        'p.id',
        'p.sku',
        'p.name',
        'p.description',
        'p.brand',
        'p.category_id',
        'p.price_amount',
        'p.attributes',
        's.available',
      ])
      .orderBy('p.id')
      .execute();

  it('when seeded twice with one seed, then both catalogs are identical, in chunks, with progress', async () => {
    const progress: number[] = [];
    const result = await seedCatalog(first.db, {
      seed: 7,
      products: 250,
      chunkSize: 100,
      onProgress: (done) => progress.push(done),
    });
    expect(result).toMatchObject({ inserted: 250, skipped: 0 });
    expect(progress).toHaveLength(3);
    expect(progress[2]).toBe(250);
    await seedCatalog(second.db, { seed: 7, products: 250 });
    const [a, b] = await Promise.all([snapshot(first), snapshot(second)]);
    expect(a).toHaveLength(250);
    expect(a).toEqual(b);
  });

  it('when a catalog is seeded, then it looks like a shop: a tree, several brands, prices and stock', async () => {
    const tree = await getCategoryTree(first.db);
    expect(tree.length).toBeGreaterThanOrEqual(5);
    expect(tree.some((root) => root.children.some((child) => child.children.length > 0))).toBe(
      true,
    );
    const rows = await snapshot(first);
    expect(new Set(rows.map((r) => r.brand)).size).toBeGreaterThan(10);
    expect(rows.every((r) => Number(r.price_amount) > 0 && r.description.length > 20)).toBe(true);
    expect(rows.some((r) => r.available === 0)).toBe(true);
    expect(rows.every((r) => r.category_id !== null && Object.keys(r.attributes).length > 0)).toBe(
      true,
    );
  });

  it('when seeded, then every product has its product.created event in the outbox for search', async () => {
    const events = await outboxRows(first.db, { type: 'product.created' });
    expect(events).toHaveLength(250);
    // Seeded products sit below a root category: each names its ancestors (root first), not itself.
    for (const event of events) {
      const { category } = event.data.product;
      expect(category.ancestorIds.length).toBeGreaterThanOrEqual(1);
      expect(category.ancestorIds).not.toContain(category.id);
    }
  });

  it('when seeded again with the same seed, then nothing is added; another seed adds more', async () => {
    expect(await seedCatalog(first.db, { seed: 7, products: 250 })).toMatchObject({
      inserted: 0,
      skipped: 250,
    });
    expect(await seedCatalog(first.db, { seed: 8, products: 20, events: false })).toMatchObject({
      inserted: 20,
    });
    expect(await outboxRows(first.db, { type: 'product.created' })).toHaveLength(250);
  });

  it('when seeding only if empty, then an empty catalog is seeded and a used one left alone', async () => {
    const empty = await createTestDatabase<Database>('catalog_seed_empty', migrations);
    try {
      expect(await seedCatalogIfEmpty(empty.db, { seed: 1, products: 30 })).toMatchObject({
        inserted: 30,
      });
      expect(await seedCatalogIfEmpty(empty.db, { seed: 2, products: 30 })).toEqual({
        existing: 30,
      });
    } finally {
      await empty.drop();
    }
  });
});
