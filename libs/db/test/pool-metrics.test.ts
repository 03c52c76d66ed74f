import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createDb, observePool, registerPoolMetrics } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

/** The pool's series as `{ connections, idle, waiting, max }`; undefined where it has none. */
async function seriesOf(registry: Registry, pool: string) {
  const read = async (name: string) => {
    const { values } = await registry.getSingleMetric(name)!.get();
    return values.find((v) => v.labels.pool === pool)?.value;
  };
  return {
    connections: await read('db_pool_connections'),
    idle: await read('db_pool_idle_connections'),
    waiting: await read('db_pool_waiting_requests'),
    max: await read('db_pool_max_connections'),
  };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('registerPoolMetrics', () => {
  let database: TestDatabase<unknown>;
  let registry: Registry;
  const opened: Array<{ destroy(): Promise<void> }> = [];
  // Pools are the process's: each test names its own.
  const uniqueName = () => `pool-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase('db_pool_metrics');
  });
  beforeEach(() => {
    registry = new Registry();
    registerPoolMetrics(registry);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });
  afterAll(async () => {
    await database.drop();
  });

  it('when queries hold every connection, then the pool reads its open, idle, waiting and most connections as they change', async () => {
    const name = uniqueName();
    const db: Kysely<unknown> = createDb(database.url, { poolSize: 2, applicationName: name });
    opened.push(db);
    expect(await seriesOf(registry, name)).toEqual({ connections: 0, idle: 0, waiting: 0, max: 2 });

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holders = [1, 2].map(() => db.transaction().execute(() => gate));
    const queued = sql`select 1`.execute(db);
    await waitFor(async () => (await seriesOf(registry, name)).waiting === 1);
    expect(await seriesOf(registry, name)).toEqual({ connections: 2, idle: 0, waiting: 1, max: 2 });

    release();
    await Promise.all([...holders, queued]);
    await waitFor(async () => (await seriesOf(registry, name)).idle === 2);
    expect(await seriesOf(registry, name)).toEqual({ connections: 2, idle: 2, waiting: 0, max: 2 });
  });

  it('when a pool has no application name, then it is reported under its database name', async () => {
    const db = createDb(database.url, { poolSize: 1 });
    opened.push(db);
    await sql`select 1`.execute(db);
    const databaseName = new URL(database.url).pathname.slice(1);
    expect((await seriesOf(registry, databaseName)).connections).toBe(1);
  });

  it('when a pg.Pool of its own is observed, then its connections are reported, added to those of a pool of the same name, until it ends', async () => {
    const name = uniqueName();
    const db = createDb(database.url, { poolSize: 3, applicationName: name });
    opened.push(db);
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    observePool(pool, name);
    await sql`select 1`.execute(db);
    await pool.query('select 1');
    expect(await seriesOf(registry, name)).toEqual({ connections: 2, idle: 2, waiting: 0, max: 7 });

    await pool.end();
    expect(await seriesOf(registry, name)).toEqual({ connections: 1, idle: 1, waiting: 0, max: 3 });
    await db.destroy();
    opened.splice(0);
    expect(await seriesOf(registry, name)).toEqual({
      connections: undefined,
      idle: undefined,
      waiting: undefined,
      max: undefined,
    });
  });

  it('when registered twice in one registry, then the series are kept once', async () => {
    registerPoolMetrics(registry);
    const text = await registry.metrics();
    expect(text.match(/^# TYPE db_pool_connections gauge$/gm)).toHaveLength(1);
  });
});
