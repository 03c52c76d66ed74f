import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createDb, dropDatabase, ensureDatabase } from './database.js';
import { migrateToLatest, type Migrations } from './migrate.js';

/** The server tests run against: `TEST_DATABASE_URL` or the local default. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase<DB> {
  url: string;
  db: Kysely<DB>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file (`bazaar_test_<label>_<random>`), migrated when
 * migrations are given, so test files run in parallel and again without seeing each other.
 */
export async function createTestDatabase<DB>(
  label: string,
  migrations?: Migrations,
): Promise<TestDatabase<DB>> {
  const url = new URL(testServerUrl());
  const name = `bazaar_test_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  const db = createDb<DB>(url.toString(), { poolSize: 20 });
  if (migrations) await migrateToLatest(db as Kysely<unknown>, migrations);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      await dropDatabase(url.toString());
    },
  };
}

/**
 * A table's storage parameters (`pg_class.reloptions`, as `name=value`), sorted; empty when it
 * has none: what a migration's `alter table … set (…)` left. Throws when there is no such table.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's schema
export async function storageParameters(db: Kysely<any>, table: string): Promise<string[]> {
  const { rows } = await sql<{ reloptions: string[] | null }>`
    select reloptions from pg_class where relname = ${table}`.execute(db);
  if (rows.length === 0) throw new Error(`no table ${table}`);
  return [...(rows[0]!.reloptions ?? [])].sort();
}
