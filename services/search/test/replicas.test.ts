import type { TestDatabase } from '@bazaar/db/testing';
import type { App } from '@bazaar/service-kit';
import { sql } from 'kysely';
import { eventually } from '@bazaar/service-kit/testing';
import type { Database } from '../src/db/database.js';
import { indexProduct, removeProduct } from '../src/domain/index-product.js';
import type { ProductDocument } from '../src/domain/product-document.js';
import { search } from '../src/domain/search.js';
import { IndexFollower } from '../src/sync/index-follower.js';
import { category, product } from './fixtures/products.js';
import { startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

/*
 * Two replicas over one table, each following the change log on its own (NOTIFY and the
 * fallback poll, nobody asking them to catch up): once both have read to the end, they answer
 * every query identically, whatever order the writes committed in.
 */

const quiet = () => undefined;
const logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };

describe('two search replicas', () => {
  let database: TestDatabase<Database>;
  const started: SearchTestContext[] = [];
  const replicas: { app: App; follower: IndexFollower }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const replica = await startSearchApp(
        'search_replicas',
        {},
        {
          database: started[0]?.database,
          follower: (db, listenUrl) => new IndexFollower({ db, listenUrl, logger }),
        },
      );
      started.push(replica);
      replicas.push({ app: replica.app, follower: replica.follower! });
    }
    database = started[0].database;
  }, 60_000);
  afterAll(async () => {
    // The second replica first: the first one drops the database.
    for (const replica of started.reverse()) await replica.close();
  });

  const write = (doc: ProductDocument) =>
    database.db.transaction().execute((trx) => indexProduct(trx, doc));
  const remove = (id: string, version: number) =>
    database.db.transaction().execute((trx) => removeProduct(trx, id, version));
  const lastSeq = async () =>
    Number(
      (
        await sql<{
          seq: number;
        }>`select coalesce(max(change_seq), 0) as seq from search_documents`.execute(database.db)
      ).rows[0].seq,
    );

  it('when writes commit concurrently and out of order, then both replicas converge on the same answers', async () => {
    const tools = category('Tools');
    const docs = Array.from({ length: 60 }, (_, i) =>
      product({
        name: `${['Cordless', 'Compact', 'Heavy'][i % 3]} drill ${['red', 'blue'][i % 2]} ${i}`,
        brand: ['Bosch', 'Makita', 'Ryobi'][i % 3],
        category: i % 2 ? tools : null,
        price: 1000 + i * 250,
      }),
    );
    // Ten writers at once: sequence values commit out of order.
    for (let i = 0; i < docs.length; i += 10) await Promise.all(docs.slice(i, i + 10).map(write));
    await Promise.all([
      ...docs.slice(0, 10).map((doc) => write({ ...doc, name: `${doc.name} pro`, version: 2 })),
      ...docs.slice(10, 20).map((doc) => remove(doc.id, 1)),
      // Late and stale: an older version after a newer one, a creation after its deletion.
      ...docs.slice(0, 5).map((doc) => write({ ...doc, version: 1 })),
    ]);
    await Promise.all(docs.slice(10, 15).map((doc) => write(doc)));

    // Read to the end: each replica has finished a read that began after the last write
    // committed. Having seen the highest sequence value is not enough: a lower value that
    // committed later is read by the next poll (the follower's overlap), not by that one.
    const target = await lastSeq();
    const committed = Date.now();
    await eventually(
      () =>
        replicas.every(
          ({ follower }) =>
            follower.sequence >= target &&
            Date.now() - follower.lagMs() > committed &&
            follower.isReady(),
        ),
      { what: 'both replicas to read to the end of the log' },
    );
    const queries = [
      'q=drill',
      'q=drill%20pro',
      'q=cordl',
      'q=dril&sort=price_desc&limit=7',
      `category=${tools.id}&sort=newest`,
      'brand=Bosch&brand=Ryobi&inStock=true&sort=price_asc&limit=50',
      'q=drll%20blue',
    ];
    for (const query of queries) {
      const [first, second] = await Promise.all(
        replicas.map(({ app }) => app.inject({ url: `/v1/search?${query}` })),
      );
      expect(first.statusCode).toBe(200);
      expect({ query, body: second.json() }).toEqual({ query, body: first.json() });
    }
    const drills = JSON.parse(
      (await replicas[0].app.inject({ url: '/v1/search?q=drill&limit=100' })).body,
    ) as { total: number };
    expect(drills.total).toBe(50);
    const [a, b] = replicas.map(({ follower }) =>
      [...follower.index.entries()].sort(([x], [y]) => (x < y ? -1 : 1)),
    );
    expect(b).toEqual(a);
  }, 60_000);

  it('when a product is created, changed and deleted, then every replica follows without being asked', async () => {
    const doc = product({ name: 'Quasar telescope', brand: 'Orion' });
    const found = (name: string) =>
      Promise.all(
        replicas.map(async ({ app }) => {
          const body = (await app.inject({ url: `/v1/search?q=${name}` })).json();
          return body.total as number;
        }),
      );
    await write(doc);
    await eventually(async () => (await found('quasar')).every((n) => n === 1), {
      what: 'the creation',
    });
    await write({ ...doc, name: 'Nebula telescope', version: 2 });
    await eventually(async () => (await found('nebula')).every((n) => n === 1), {
      what: 'the change',
    });
    expect(await found('quasar')).toEqual([0, 0]);
    await remove(doc.id, 2);
    await eventually(async () => (await found('nebula')).every((n) => n === 0), {
      what: 'the deletion',
    });
  }, 60_000);

  it('when a sequence value commits after a higher one, then the replica still reads it', async () => {
    const { follower } = replicas[0];
    // No word in common where the typo dictionary would make one writer wait for the other.
    const early = product({ name: 'Amber beacon', brand: 'Lumen', description: 'glowing' });
    const late = product({ name: 'Cobalt torch', brand: 'Flare', description: 'glowing' });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let drawn: () => void = () => undefined;
    const hasDrawn = new Promise<void>((resolve) => (drawn = resolve));
    // The early write draws its sequence value first and commits last.
    const slow = database.db.transaction().execute(async (trx) => {
      await indexProduct(trx, early);
      drawn();
      await held;
    });
    await hasDrawn;
    await write(late);
    await follower.catchUp();
    const names = () =>
      search(follower.index, { q: 'glowing ', sort: 'price_asc', limit: 10 }).items.map(
        (item) => item.name,
      );
    expect(names()).toEqual(['Cobalt torch']);
    release();
    await slow;
    await follower.catchUp();
    expect(names().sort()).toEqual(['Amber beacon', 'Cobalt torch']);
  });

  it('when both have caught up, then the readiness check counts the index as up', async () => {
    for (const { app } of replicas) {
      const reply = (await app.inject({ url: '/health/ready' })).json();
      expect(reply.checks.index).toBe('up');
    }
  });
});
