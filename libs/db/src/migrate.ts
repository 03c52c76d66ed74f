import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Migrator, type Migration, type MigrationResult } from 'kysely/migration';
import { createDb, ensureDatabase, type DbOptions } from './database.js';

/** A service's migrations by name; names are date-prefixed so their order is their age. */
export type Migrations = Record<string, Migration>;

// One key for every Bazaar migrator: each service has its own database, so they never contend.
const MIGRATION_LOCK = 7_305_221;

/**
 * Runs every pending migration. Two instances starting at once (a rolling update, two replicas)
 * serialize on a session advisory lock held for the whole run, so one migrates and the other
 * then finds nothing to do — kysely's own lock does not cover creating its bookkeeping tables.
 */
export async function migrateToLatest(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's schema
  db: Kysely<any>,
  migrations: Migrations,
): Promise<MigrationResult[]> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
    try {
      const migrator = new Migrator({
        db: connection,
        provider: { getMigrations: async () => migrations },
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new Error(`migration ${failed ?? '(unknown)'} failed: ${String(error)}`, {
          cause: error,
        });
      }
      return results ?? [];
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}

/**
 * A service's database, ready to use: created when the URL names one that does not exist yet,
 * migrated to the latest schema, with a pool as `options` say. What every service does at start.
 */
export async function openDatabase<DB>(
  url: string,
  migrations: Migrations,
  options: DbOptions = {},
): Promise<Kysely<DB>> {
  await ensureDatabase(url);
  const db = createDb<DB>(url, options);
  try {
    await migrateToLatest(db, migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * What a service's `migrate` command (and its Kubernetes init container) does: create the
 * database the URL names when it is missing, run pending migrations on one connection, close.
 */
export async function migrateDatabase(
  url: string,
  migrations: Migrations,
): Promise<MigrationResult[]> {
  await ensureDatabase(url);
  const db = createDb(url, { poolSize: 1 });
  try {
    return await migrateToLatest(db, migrations);
  } finally {
    await db.destroy();
  }
}
