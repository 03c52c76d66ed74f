import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { indexProduct, removeProduct } from '../src/domain/index-product.js';
import type { ProductDocument } from '../src/domain/product-document.js';
import { product } from './fixtures/products.js';
import { searchIndexed, testFollower } from './fixtures/search-app.js';
import type { IndexFollower } from '../src/sync/index-follower.js';

describe('indexing product events', () => {
  let database: TestDatabase<Database>;
  let follower: IndexFollower;

  beforeAll(async () => {
    database = await createTestDatabase<Database>('search_indexing', migrations);
    follower = testFollower(database.db);
    await follower.start();
  }, 60_000);
  afterAll(async () => {
    await follower.stop();
    await database.drop();
  });

  const index = (doc: ProductDocument) =>
    database.db.transaction().execute((trx) => indexProduct(trx, doc));
  const remove = (id: string, version: number) =>
    database.db.transaction().execute((trx) => removeProduct(trx, id, version));
  const find = async (q: string) =>
    (await searchIndexed(follower, { q, sort: 'relevance', limit: 20 })).items;
  const row = (id: string) =>
    database.db.selectFrom('search_documents').selectAll().where('id', '=', id).executeTakeFirst();

  it('when a product is created, then it is searchable by its words', async () => {
    const doc = product({
      name: 'Aurora borealis lamp',
      brand: 'Lumio',
      description: 'A night light',
    });
    expect(await index(doc)).toBe('applied');
    const hits = await find('aurora lamp');
    expect(hits.map((hit) => hit.id)).toEqual([doc.id]);
    expect(hits[0]).toMatchObject({
      sku: doc.sku,
      name: 'Aurora borealis lamp',
      brand: 'Lumio',
      categoryId: null,
      price: doc.price,
      stock: doc.stock,
    });
  });

  it('when a product is updated, then the hit shows the new document and the old words no longer find it', async () => {
    const doc = product({ name: 'Granite mortar', brand: 'Stonecraft', price: 2500 });
    await index(doc);
    const updated = {
      ...doc,
      name: 'Marble pestle',
      price: { amount: 1999, currency: 'EUR' },
      stock: { available: 0 },
      version: 2,
    };
    expect(await index(updated)).toBe('applied');
    expect(await find('granite')).toEqual([]);
    const [hit] = await find('marble pestle');
    expect(hit).toMatchObject({
      id: doc.id,
      name: 'Marble pestle',
      price: { amount: 1999 },
      stock: { available: 0 },
    });
  });

  it('when a product is deleted, then it is no longer found', async () => {
    const doc = product({ name: 'Obsidian paperweight' });
    await index(doc);
    expect(await find('obsidian')).toHaveLength(1);
    expect(await remove(doc.id, 2)).toBe('applied');
    expect(await find('obsidian')).toEqual([]);
    expect(await row(doc.id)).toMatchObject({ deleted: true, version: 2 });
  });

  it('when an older update arrives after a newer one, then nothing changes', async () => {
    const doc = product({ name: 'Cobalt kettle' });
    await index({ ...doc, name: 'Cobalt kettle deluxe', version: 3 });
    expect(await index({ ...doc, name: 'Cobalt kettle basic', version: 2 })).toBe('stale');
    expect(await index({ ...doc, name: 'Cobalt kettle original', version: 1 })).toBe('stale');
    const hits = await find('cobalt kettle');
    expect(hits.map((hit) => hit.name)).toEqual(['Cobalt kettle deluxe']);
    expect(await row(doc.id)).toMatchObject({ version: 3 });
  });

  it('when the same version is replayed, then it is ignored', async () => {
    const doc = product({ name: 'Saffron grinder', version: 4 });
    expect(await index(doc)).toBe('applied');
    expect(await index({ ...doc, name: 'Saffron replay' })).toBe('stale');
    expect((await find('saffron')).map((hit) => hit.name)).toEqual(['Saffron grinder']);
  });

  it('when an older update arrives after the deletion, then the product stays deleted', async () => {
    const doc = product({ name: 'Walnut cutting board', version: 5 });
    await index(doc);
    await remove(doc.id, 6);
    expect(await index({ ...doc, version: 5 })).toBe('stale');
    expect(await index({ ...doc, version: 4 })).toBe('stale');
    expect(await find('walnut')).toEqual([]);
  });

  it('when the deletion arrives before the product was ever indexed, then its late creation stays out', async () => {
    const doc = product({ name: 'Tamarind press', version: 1 });
    expect(await remove(doc.id, 2)).toBe('applied');
    expect(await index(doc)).toBe('stale');
    expect(await find('tamarind')).toEqual([]);
  });

  it('when a deletion carries the same version as the indexed document, then the deletion wins', async () => {
    const doc = product({ name: 'Juniper candle', version: 7 });
    await index(doc);
    expect(await remove(doc.id, 7)).toBe('applied');
    expect(await remove(doc.id, 7)).toBe('stale');
    expect(await index(doc)).toBe('stale');
    expect(await find('juniper')).toEqual([]);
  });

  it('when a deletion older than the indexed document arrives, then the product stays', async () => {
    const doc = product({ name: 'Pumice stone', version: 9 });
    await index(doc);
    expect(await remove(doc.id, 8)).toBe('stale');
    expect(await find('pumice')).toHaveLength(1);
  });

  it('when a newer version follows a deletion, then that version is searchable again', async () => {
    const doc = product({ name: 'Basalt coaster', version: 1 });
    await index(doc);
    await remove(doc.id, 2);
    expect(await index({ ...doc, version: 3 })).toBe('applied');
    expect(await find('basalt')).toHaveLength(1);
    expect(await row(doc.id)).toMatchObject({ deleted: false, version: 3 });
  });

  it('when a product is indexed, then its name, brand and category words enter the typo dictionary, codes do not', async () => {
    await index(
      product({
        name: 'Quokka plush XL2000',
        brand: 'Zoofriends',
        category: { id: product().id, name: 'Toys', ancestorIds: [] },
      }),
    );
    const words = await database.db
      .selectFrom('search_words')
      .select('word')
      .where('word', 'in', ['quokka', 'plush', 'zoofriends', 'toys', 'xl2000'])
      .execute();
    expect(words.map((w) => w.word).sort()).toEqual(['plush', 'quokka', 'toys', 'zoofriends']);
  });
});
