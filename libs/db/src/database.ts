import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { CommitWatch, registerCommitWatch } from './commit-watch.js';
import { observePool } from './pool-metrics.js';
import { prepareStatements, StatementNames } from './prepared-statements.js';

// Counts and bigint ids come back as numbers: every value Bazaar stores in int8 fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface DbOptions {
  /** Most connections the pool opens. */
  poolSize?: number;
  /** Name shown in `pg_stat_activity`, and the pool's name in the `db_pool_*` metrics. */
  applicationName?: string;
  /**
   * Run parameterized queries as named prepared statements, planned once per connection
   * (default true; see `prepared-statements.ts`).
   */
  preparedStatements?: boolean;
}

/**
 * A Kysely instance over a `pg` pool; `db.destroy()` closes the pool. Its parameterized queries
 * run as named prepared statements unless `preparedStatements: false`. The pool's counts are in
 * the `db_pool_*` metrics (`registerPoolMetrics`). Its commits can be watched (`watchCommits`).
 */
export function createDb<DB>(url: string, options: DbOptions = {}): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // A connection the server drops (a restart, a killed session) emits `error`: on the pool when
  // the client is idle, on the client itself while checked out (a transaction waiting on other
  // work). Either way the query in flight fails and the pool replaces the client; unheard, the
  // event would crash the process.
  pool.on('error', () => undefined);
  const names = options.preparedStatements === false ? undefined : new StatementNames();
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    if (names) prepareStatements(client, names);
  });
  const watch = new CommitWatch();
  watch.attach(pool);
  observePool(pool, options.applicationName ?? decodeURIComponent(new URL(url).pathname.slice(1)));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  registerCommitWatch(db, watch);
  return db;
}

/** Readiness check: the database answers a trivial query. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's schema
export async function pingDatabase(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

function splitUrl(url: string): { adminUrl: string; database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`database URL names no database: ${parsed.host}`);
  parsed.pathname = '/postgres';
  return { adminUrl: parsed.toString(), database };
}

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** Creates the database a URL names when it does not exist yet; safe when raced. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const { adminUrl, database } = splitUrl(url);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount) return false;
    await client.query(`create database ${pg.escapeIdentifier(database)}`);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
    throw error;
  } finally {
    await client.end();
  }
}

/** Drops the database a URL names, closing its other connections first. */
export async function dropDatabase(url: string): Promise<void> {
  const { adminUrl, database } = splitUrl(url);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
  } finally {
    await client.end();
  }
}
