import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { createServiceClient, type ServiceClient } from '@bazaar/http-client';
import { sql } from 'kysely';
import { eventually } from '@bazaar/service-kit/testing';
import { catalogProductPages } from '../src/clients/catalog-products.js';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { indexProduct, removeProduct } from '../src/domain/index-product.js';
import type { ProductDocument } from '../src/domain/product-document.js';
import { reindex, ReindexRunningError, type ReindexProgress } from '../src/domain/reindex.js';
import type { IndexFollower } from '../src/sync/index-follower.js';
import {
  startCatalogStub,
  type CatalogStub,
  type CatalogStubOptions,
} from './fixtures/catalog-stub.js';
import { indexAll, product } from './fixtures/products.js';
import { searchIndexed, testFollower } from './fixtures/search-app.js';

/**
 * A guard against a hung CLI, not a speed check (the tests' own timeout is 30 s more): `tsx`
 * compiles the CLI's imports at start, a few seconds of CPU that took 42 s of wall time on a
 * machine loaded 30 deep (CI failed at 60).
 */
const CLI_TIMEOUT_MS = 180_000;

describe('reindexing from catalog', () => {
  let database: TestDatabase<Database>;
  let follower: IndexFollower;
  const stubs: CatalogStub[] = [];
  const clients: ServiceClient[] = [];

  beforeEach(async () => {
    database = await createTestDatabase<Database>('search_reindex', migrations);
    // A replica's index: it rebuilds when a reindex swaps a new table in.
    follower = testFollower(database.db);
    await follower.start();
  }, 60_000);
  afterEach(async () => {
    await follower.stop();
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(stubs.splice(0).map((stub) => stub.close()));
    await database.drop();
  }, 60_000);

  async function catalog(options: CatalogStubOptions, pageSize = 2) {
    const stub = await startCatalogStub(options);
    stubs.push(stub);
    const client = createServiceClient({
      name: 'catalog',
      baseUrl: stub.url,
      retries: 0,
      breaker: false,
    });
    clients.push(client);
    return { stub, readPage: catalogProductPages(client, pageSize) };
  }

  const names = async (q?: string) =>
    (await searchIndexed(follower, { q, sort: 'price_asc', limit: 100 })).items.map(
      (hit) => hit.name,
    );
  const indexNames = async (table: string) =>
    (
      await sql<{ indexname: string }>`
        select indexname from pg_indexes where tablename = ${table} order by indexname`.execute(
        database.db,
      )
    ).rows.map((row) => row.indexname);
  const tables = async () =>
    (
      await sql<{ tablename: string }>`
        select tablename from pg_tables where tablename like 'search_%' order by tablename`.execute(
        database.db,
      )
    ).rows.map((row) => row.tablename);

  it('when the index is rebuilt, then it holds exactly catalog products, with progress per page', async () => {
    const stale = product({ name: 'Forgotten gadget', price: 100 });
    await indexAll(database.db, [stale]);
    const products = [
      product({ name: 'Amber lamp', price: 1000 }),
      product({ name: 'Birch stool', price: 2000 }),
      product({ name: 'Cedar chest', price: 3000 }),
      product({ name: 'Dune rug', price: 4000 }),
      product({ name: 'Ember vase', price: 5000 }),
    ];
    const { stub, readPage } = await catalog({ products: () => products });
    const indexesBefore = await indexNames('search_documents');
    const progress: ReindexProgress[] = [];

    const result = await reindex(database.db, readPage, { onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({ pages: 3, indexed: 5, skipped: 0, carriedOver: 0 });
    expect(progress.map((p) => p.indexed)).toEqual([2, 4, 5]);
    expect(stub.requests.map((r) => r.limit)).toEqual(['2', '2', '2']);
    expect(stub.requests[0].cursor).toBeNull();
    expect(await names()).toEqual([
      'Amber lamp',
      'Birch stool',
      'Cedar chest',
      'Dune rug',
      'Ember vase',
    ]);
    // The rebuilt dictionary corrects typos of the new words.
    expect(await names('cedr chest')).toEqual(['Cedar chest']);
    // The migrations' names are back on the swapped-in tables; no shadow is left behind.
    expect(await indexNames('search_documents')).toEqual(indexesBefore);
    expect(await indexNames('search_words')).toEqual([
      'search_words_pkey',
      'search_words_word_trgm_idx',
    ]);
    expect(await tables()).toEqual(['search_documents', 'search_index_generation', 'search_words']);
  });

  it('while the rebuild runs, then searches answer from the old index, and changes from events are carried over', async () => {
    const kept = product({ name: 'Old oak table', price: 100, version: 1 });
    const doomed = product({ name: 'Old pine shelf', price: 200, version: 1 });
    await indexAll(database.db, [kept, doomed]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reachedSecondPage!: () => void;
    const secondPage = new Promise<void>((resolve) => (reachedSecondPage = resolve));
    const exported = [kept, doomed, product({ name: 'New walnut desk', price: 300 })];
    const { readPage } = await catalog({
      products: () => exported,
      beforePage: async (offset) => {
        if (offset > 0) {
          reachedSecondPage();
          await held;
        }
      },
    });

    const running = reindex(database.db, readPage);
    await secondPage;
    // Half-built: the live index still answers as before.
    expect(await names()).toEqual(['Old oak table', 'Old pine shelf']);
    // Events keep arriving meanwhile: a newer version, a deletion, a new product.
    const renamed: ProductDocument = { ...kept, name: 'Old oak table restored', version: 2 };
    const arrived = product({ name: 'Fresh maple bench', price: 400 });
    await database.db.transaction().execute(async (trx) => {
      await indexProduct(trx, renamed);
      await removeProduct(trx, doomed.id, 2);
      await indexProduct(trx, arrived);
    });
    release();
    const result = await running;

    expect(result.carriedOver).toBe(3);
    expect(await names()).toEqual([
      'Old oak table restored',
      'New walnut desk',
      'Fresh maple bench',
    ]);
    // The tombstone came along: the deleted product's older version stays out.
    const late = await database.db.transaction().execute((trx) => indexProduct(trx, doomed));
    expect(late).toBe('stale');
  });

  it('when searches run throughout the rebuild and the swap, then each sees the whole old or the whole new index', async () => {
    const old = Array.from({ length: 6 }, (_, i) => product({ name: `Swap old ${i}` }));
    const fresh = Array.from({ length: 9 }, (_, i) => product({ name: `Swap new ${i}` }));
    await indexAll(database.db, old);
    const { readPage } = await catalog({
      products: () => fresh,
      beforePage: () => new Promise((resolve) => setTimeout(resolve, 50)),
    });
    const seen: string[] = [];
    let running = true;
    const searching = (async () => {
      while (running) {
        const { items, total } = await searchIndexed(follower, {
          q: 'swap',
          sort: 'price_asc',
          limit: 50,
        });
        const names = items.map((hit) => hit.name);
        // Each statement sees one whole index; the page and the total are two statements, so
        // at the swap instant they may come from either side, as with any concurrent change.
        const page =
          names.every((name) => name.startsWith('Swap old')) && names.length === 6
            ? 'old'
            : names.every((name) => name.startsWith('Swap new')) && names.length === 9
              ? 'new'
              : `mixed page: ${names.join(', ')}`;
        seen.push(page);
        if (total !== 6 && total !== 9) seen.push(`total ${total}`);
      }
    })();
    await reindex(database.db, readPage);
    await eventually(() => seen.at(-1) === 'new', { what: 'a search of the new index' });
    running = false;
    await searching;
    expect(seen.filter((state) => state !== 'old' && state !== 'new')).toEqual([]);
    expect(seen[0]).toBe('old');
    expect(seen.at(-1)).toBe('new');
    expect(seen.lastIndexOf('old')).toBeLessThan(seen.indexOf('new'));
  });

  it('when catalog exports a document that breaks the schema, then it is skipped and reported', async () => {
    const good = product({ name: 'Valid vase' });
    const broken = { ...product({ name: 'Broken bowl' }), price: { amount: -5, currency: 'EUR' } };
    const reported: unknown[] = [];
    const { readPage } = await catalog({ products: () => [good, broken, { nonsense: true }] });
    const result = await reindex(database.db, readPage, {
      onInvalid: (item, problems) => {
        expect(problems.length).toBeGreaterThan(0);
        reported.push(item);
      },
    });
    expect(result).toMatchObject({ indexed: 1, skipped: 2 });
    expect(reported).toEqual([broken, { nonsense: true }]);
    expect(await names()).toEqual(['Valid vase']);
  });

  it('when catalog fails half-way, then the live index is untouched and no shadow table is left', async () => {
    await indexAll(database.db, [product({ name: 'Survivor sofa' })]);
    const { readPage } = await catalog({
      products: () => [product(), product(), product()],
      override: (offset) => (offset > 0 ? { status: 500, body: { title: 'boom' } } : undefined),
    });
    await expect(reindex(database.db, readPage)).rejects.toThrow();
    expect(await names()).toEqual(['Survivor sofa']);
    expect(await tables()).toEqual(['search_documents', 'search_index_generation', 'search_words']);
  });

  it('when catalog answers with a client error or a malformed page, then the reindex fails clearly', async () => {
    const refusing = await catalog({
      products: () => [],
      override: () => ({ status: 400, body: { title: 'bad limit' } }),
    });
    await expect(reindex(database.db, refusing.readPage)).rejects.toThrow(/answered 400/);
    const malformed = await catalog({
      products: () => [],
      override: () => ({ status: 200, body: { items: 'nope' } }),
    });
    await expect(reindex(database.db, malformed.readPage)).rejects.toThrow(/malformed page/);
  });

  it('when catalog repeats a cursor, then the reindex stops instead of looping', async () => {
    const { readPage } = await catalog({
      products: () => [product(), product(), product()],
      override: () => ({ status: 200, body: { items: [], nextCursor: 'same' } }),
    });
    await expect(reindex(database.db, readPage)).rejects.toThrow(/repeats cursor/);
  });

  it('when a second reindex starts while one runs, then it is refused', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const first = new Promise<void>((resolve) => (started = resolve));
    const { readPage } = await catalog({
      products: () => [product()],
      beforePage: async () => {
        started();
        await held;
      },
    });
    const running = reindex(database.db, readPage);
    await first;
    await expect(reindex(database.db, readPage)).rejects.toBeInstanceOf(ReindexRunningError);
    release();
    await expect(running).resolves.toMatchObject({ indexed: 1 });
  });

  it('when `pnpm reindex` runs, then it rebuilds the index and prints its progress', async () => {
    await indexAll(database.db, [product({ name: 'Leftover lantern' })]);
    const products = [
      product({ name: 'Cli candle' }),
      product({ name: 'Cli carpet' }),
      product({ name: 'Cli clock' }),
    ];
    const { stub } = await catalog({ products: () => products });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@bazaar/source', '--import', 'tsx', 'src/cli/reindex.ts', '--page-size=2'],
      {
        cwd: `${__dirname}/..`,
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          CATALOG_URL: stub.url,
          NODE_ENV: 'test',
        },
        timeout: CLI_TIMEOUT_MS,
      },
    );
    expect(stdout).toContain('page 1: 2 indexed, 0 skipped');
    expect(stdout).toContain('page 2: 3 indexed, 0 skipped');
    expect(stdout).toMatch(/done, 3 products in [\d.]+ s \(0 skipped, 0 changes carried over/);
    expect(stub.requests.map((r) => r.limit)).toEqual(['2', '2']);
    expect(await names()).toEqual(['Cli candle', 'Cli carpet', 'Cli clock']);
  }, 210_000);

  it('when `pnpm reindex` is given a page size out of range, then it exits 2 saying so', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--conditions=@bazaar/source', '--import', 'tsx', 'src/cli/reindex.ts', '--page-size=5000'],
      {
        cwd: `${__dirname}/..`,
        env: { ...process.env, DATABASE_URL: database.url },
        timeout: CLI_TIMEOUT_MS,
      },
    );
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--page-size must be a whole number from 1 to 1000'),
    });
  }, 210_000);
});
