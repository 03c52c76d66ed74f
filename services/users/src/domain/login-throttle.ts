import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { addFailure, clearFailures, readFailures } from '../db/login-failures-repository.js';
import { errors } from '../errors.js';
import type { ThrottleSettings } from './context.js';

/** The counters a login attempt is charged to: its account (even one that does not exist) and its client address. */
export function throttleKeys(email: string, ip: string): { account: string; ip: string } {
  return { account: `account:${email}`, ip: `ip:${ip}` };
}

function windowStart(settings: ThrottleSettings, now: Date): Date {
  return new Date(now.getTime() - settings.windowSeconds * 1000);
}

/**
 * Refuses with 429 and `Retry-After` while the account or the address has had its fill of
 * failures in the current window — before the password is even checked, so a correct guess
 * during a lockout is no different from a wrong one.
 */
export async function assertNotThrottled(
  db: Kysely<Database>,
  settings: ThrottleSettings,
  keys: { account: string; ip: string },
  now: Date,
): Promise<void> {
  const counts = await readFailures(db, [keys.account, keys.ip], windowStart(settings, now));
  let retryAfter = 0;
  for (const count of counts) {
    const limit = count.key === keys.account ? settings.maxPerAccount : settings.maxPerIp;
    if (count.failures < limit) continue;
    const opensAt = count.windowStartedAt.getTime() + settings.windowSeconds * 1000;
    retryAfter = Math.max(retryAfter, Math.ceil((opensAt - now.getTime()) / 1000));
  }
  if (retryAfter > 0) {
    throw errors.USERS_TOO_MANY_LOGIN_FAILURES(
      `too many failed logins; try again in ${retryAfter} s`,
      { retryAfter },
      { 'retry-after': String(retryAfter) },
    );
  }
}

export async function recordLoginFailure(
  db: Kysely<Database>,
  settings: ThrottleSettings,
  keys: { account: string; ip: string },
  now: Date,
): Promise<void> {
  // Always in the same order: two attempts upserting both rows never deadlock.
  await addFailure(db, [keys.account, keys.ip].sort(), now, windowStart(settings, now));
}

/** A successful login clears its account's count; the address's count stays (one good account must not launder an address's guesses). */
export async function recordLoginSuccess(
  db: Kysely<Database>,
  keys: { account: string },
): Promise<void> {
  await clearFailures(db, keys.account);
}
