import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

export interface FailureCount {
  key: string;
  windowStartedAt: Date;
  failures: number;
}

/** Counts of the keys whose window is still open at `now`. */
export async function readFailures(
  db: Kysely<Database>,
  keys: string[],
  windowStart: Date,
): Promise<FailureCount[]> {
  const rows = await db
    .selectFrom('login_failures')
    .selectAll()
    .where('key', 'in', keys)
    .where('window_started_at', '>', windowStart)
    .execute();
  return rows.map((r) => ({
    key: r.key,
    windowStartedAt: r.window_started_at,
    failures: r.failures,
  }));
}

/** Adds a failure to each key: in its open window, or starting a new one at `now`. */
export async function addFailure(
  db: Kysely<Database>,
  keys: string[],
  now: Date,
  windowStart: Date,
): Promise<void> {
  await db
    .insertInto('login_failures')
    .values(keys.map((key) => ({ key, window_started_at: now, failures: 1 })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`case when login_failures.window_started_at <= ${windowStart} then 1 else login_failures.failures + 1 end`,
        window_started_at: sql`case when login_failures.window_started_at <= ${windowStart} then ${now}::timestamptz else login_failures.window_started_at end`,
      }),
    )
    .execute();
}

export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

/** Housekeeping: counters whose window closed before `windowStart`. */
export async function deleteClosedWindows(
  db: Kysely<Database>,
  windowStart: Date,
): Promise<number> {
  const result = await db
    .deleteFrom('login_failures')
    .where('window_started_at', '<=', windowStart)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
