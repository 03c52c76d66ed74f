import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { readSnapshot } from '../src/db/changes-repository.js';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { indexProduct, removeProduct } from '../src/domain/index-product.js';
import { product } from './fixtures/products.js';

describe('the snapshot a replica builds from', () => {
  let database: TestDatabase<Database>;

  beforeAll(async () => {
    database = await createTestDatabase<Database>('search_snapshot', migrations);
  }, 60_000);
  afterAll(() => database.drop(), 60_000);

  it('when it spans several pages handed on one by one, then every live product comes once, in id order, with the tombstones', async () => {
    const docs = Array.from({ length: 7 }, (_, i) => product({ name: `Snapshot item ${i}` }));
    for (const doc of docs)
      await database.db.transaction().execute((trx) => indexProduct(trx, doc));
    const gone = docs[2];
    await database.db.transaction().execute((trx) => removeProduct(trx, gone.id, gone.version + 1));
    const pages: string[][] = [];
    const snapshot = await readSnapshot(
      database.db,
      (products) => pages.push(products.map((p) => p.id)),
      2,
    );
    const live = docs.filter((doc) => doc !== gone).map((doc) => doc.id);
    expect(pages.flat()).toEqual([...live].sort());
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(snapshot.products).toEqual([]);
    expect(snapshot.deletions).toEqual([{ id: gone.id, version: gone.version + 1 }]);
    expect(snapshot.lastSeq).toBeGreaterThan(0);
    const whole = await readSnapshot(database.db, undefined, 3);
    expect(whole.products.map((p) => p.id)).toEqual([...live].sort());
  });
});
