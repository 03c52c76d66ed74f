import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

/** How one attempt is charged: the keys, the clock and the limits, in the units SQL wants. */
export interface AttemptCharge {
  /** Absent for attempts that guess no password (a registration): charged to the address only. */
  account?: string;
  ip: string;
  now: Date;
  /** Counts that started (address) or last moved (account) at or before this are forgotten. */
  windowStart: Date;
  maxPerIp: number;
  /** Failures of an account before its backoff starts. */
  freePerAccount: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** What refused an attempt, with the time it may be retried (null when the row went meanwhile). */
export interface Refusal {
  key: string;
  retryAt: Date | null;
}

/**
 * Charges one login attempt to its account and its address and says which of the two refused
 * it — in ONE statement, before the password is checked. The check and the increment are the
 * same `INSERT ... ON CONFLICT DO UPDATE ... WHERE`: Postgres locks the conflicting row and
 * evaluates the WHERE on its latest version, so 50 concurrent attempts against a limit of 10
 * charge exactly 10 (a "read the count, then add one" pair let all 50 through). A row the WHERE
 * refuses is left as it is and not returned.
 *
 * - The address row is a fixed window: up to `maxPerIp` attempts from its first one.
 * - The account row counts failures and forgets them after a quiet window (its
 *   `window_started_at` moves with every attempt); past `freePerAccount` failures each attempt
 *   sets `not_before` = now + base·2^(failures − free), capped at `backoffMaxMs`, and an attempt
 *   before it is refused.
 *
 * The two rows are upserted in key order (`account:` before `ip:`), so two attempts never
 * deadlock. One refused row does not undo the other's charge here; the caller gives an
 * address back an attempt its account refused (`giveBack`).
 */
export async function chargeAttempt(db: Kysely<Database>, c: AttemptCharge): Promise<Refusal[]> {
  const failures = sql`case when f.window_started_at <= ${c.windowStart} then 1 else f.failures + 1 end`;
  // The wait after the nth failure; the exponent is bounded so power() never overflows.
  const delay = (n: unknown) =>
    sql`case when ${n} < ${c.freePerAccount} then null
        else ${c.now}::timestamptz + least(${c.backoffMaxMs}::float8,
          ${c.backoffBaseMs}::float8 * power(2, least(${n} - ${c.freePerAccount}, 40)))
          * interval '1 millisecond' end`;
  const ipRow = sql`(${c.ip}, ${c.now}, 1, null)`;
  const rows = c.account ? sql`(${c.account}, ${c.now}, 1, ${delay(sql`1`)}), ${ipRow}` : ipRow;
  // Null when there is no account row: `f.key = null` is never true.
  const account = c.account ?? null;
  const charged = await sql<{ key: string }>`
    insert into login_failures as f (key, window_started_at, failures, not_before)
    values ${rows}
    on conflict (key) do update set
      failures = ${failures},
      window_started_at = case when f.key = ${account} or f.window_started_at <= ${c.windowStart}
        then ${c.now}::timestamptz else f.window_started_at end,
      not_before = case when f.key = ${account} then ${delay(failures)} else null end
    where f.window_started_at <= ${c.windowStart}
       or (f.key = ${account} and (f.not_before is null or f.not_before <= ${c.now}))
       or (f.key = ${c.ip} and f.failures < ${c.maxPerIp})
    returning f.key`.execute(db);
  const keys = c.account ? [c.account, c.ip] : [c.ip];
  const refused = keys.filter((k) => !charged.rows.some((r) => r.key === k));
  if (refused.length === 0) return [];
  // Only to tell the client when to come back: a hint, read after the fact.
  const found = await db
    .selectFrom('login_failures')
    .select(['key', 'window_started_at', 'not_before'])
    .where('key', 'in', refused)
    .execute();
  return refused.map((key) => {
    const row = found.find((r) => r.key === key);
    if (!row) return { key, retryAt: null };
    const retryAt =
      key === c.account
        ? row.not_before
        : new Date(row.window_started_at.getTime() + (c.now.getTime() - c.windowStart.getTime()));
    return { key, retryAt };
  });
}

/** Takes one attempt off a counter (never below zero). */
export async function giveBack(db: Kysely<Database>, key: string): Promise<void> {
  await db
    .updateTable('login_failures')
    .set({ failures: sql`greatest(failures - 1, 0)` })
    .where('key', '=', key)
    .execute();
}

/**
 * After a successful login or registration: the account's failures are forgotten and the
 * address gets its attempt back (an address counts failures and attempts it refused itself, not
 * shoppers signing in).
 */
export async function settleSuccess(
  db: Kysely<Database>,
  keys: { account?: string; ip: string },
): Promise<void> {
  await sql`
    with cleared as (delete from login_failures where key = ${keys.account ?? null})
    update login_failures set failures = greatest(failures - 1, 0) where key = ${keys.ip}`.execute(
    db,
  );
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
