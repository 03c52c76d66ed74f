import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { reindex } from '../src/domain/reindex.js';
import { search } from '../src/domain/search.js';
import type { SearchRequest } from '../src/domain/search-request.js';
import { postgresSearch } from '../src/oracle/postgres-search.js';
import type { IndexFollower } from '../src/sync/index-follower.js';
import { differentialCatalog } from './fixtures/differential-catalog.js';
import { testFollower } from './fixtures/search-app.js';

/*
 * The in-memory engine held against the Postgres query path it replaced (the oracle), over the
 * same table: a few hundred queries of six kinds. Where words are matched as typed, stemmed or
 * as a prefix, both must find the same products (the same total, the same facets, the same
 * page in price order). Typo tolerance differs by design (see the README): the engine counts
 * a transposition as one edit and corrects model codes; there, the product the typo was made
 * from must be found, and every product the oracle finds for it too when the oracle found it.
 */

const { products, queries } = differentialCatalog(2000);

describe('the engine against the Postgres query path', () => {
  let database: TestDatabase<Database>;
  let follower: IndexFollower;

  beforeAll(async () => {
    database = await createTestDatabase<Database>('search_differential', migrations);
    await reindex(database.db, async (cursor) => {
      const start = Number(cursor ?? 0);
      const end = Math.min(products.length, start + 500);
      return {
        items: products.slice(start, end),
        nextCursor: end < products.length ? String(end) : null,
      };
    });
    follower = testFollower(database.db);
    await follower.start();
  }, 120_000);
  afterAll(async () => {
    await follower.stop();
    await database.drop();
  });

  const both = async (request: SearchRequest) => ({
    engine: search(follower.index, request),
    oracle: await postgresSearch(database.db, request),
  });

  it('when the queries are of the six kinds, then there are a few hundred of them', () => {
    const kinds = new Set(queries.map((query) => query.kind));
    expect(kinds.size).toBe(6);
    expect(queries.length).toBeGreaterThanOrEqual(300);
  });

  it('when words match as typed, stemmed or as a prefix, then both find the same products and facets', async () => {
    const differences: string[] = [];
    for (const { kind, q } of queries.filter((query) => !query.kind.includes('typo'))) {
      const { engine, oracle } = await both({ q, sort: 'price_asc', limit: 50 });
      const ids = (result: typeof engine) => result.items.map((item) => item.id);
      if (engine.total !== oracle.total) {
        differences.push(`${kind} "${q}": total ${engine.total} vs ${oracle.total}`);
      } else if (JSON.stringify(ids(engine)) !== JSON.stringify(ids(oracle))) {
        differences.push(`${kind} "${q}": other page`);
      } else if (JSON.stringify(engine.facets) !== JSON.stringify(oracle.facets)) {
        differences.push(`${kind} "${q}": other facets`);
      }
    }
    expect(differences).toEqual([]);
  }, 120_000);

  it('when a word has a typo, then the intended product is found, with what the oracle finds', async () => {
    const differences: string[] = [];
    for (const { kind, q, intended } of queries.filter((query) => query.kind.includes('typo'))) {
      const { engine, oracle } = await both({ q, sort: 'relevance', limit: 100 });
      const found = new Set(engine.items.map((item) => item.id));
      if (!found.has(intended!)) differences.push(`${kind} "${q}": intended product missing`);
      const oracleFound = oracle.items.map((item) => item.id);
      if (oracleFound.includes(intended!) && oracle.total <= 100 && engine.total <= 100) {
        const missing = oracleFound.filter((id) => !found.has(id));
        if (missing.length > 0)
          differences.push(`${kind} "${q}": ${missing.length} of the oracle's missing`);
      }
    }
    expect(differences).toEqual([]);
  }, 120_000);
});
