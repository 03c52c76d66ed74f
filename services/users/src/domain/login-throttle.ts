import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { chargeAttempt, giveBack, settleSuccess } from '../db/login-failures-repository.js';
import { errors } from '../errors.js';
import type { ThrottleSettings } from './context.js';

/** The counters a login attempt is charged to: its account (even one that does not exist) and its client address. */
export function throttleKeys(email: string, ip: string): { account: string; ip: string } {
  return { account: `account:${email}`, ip: `ip:${ip}` };
}

/**
 * Charges the attempt before the password is checked, and refuses it with 429 and
 * `Retry-After` when its account is in backoff or its address has used its window's attempts —
 * so a correct guess while refused is no different from a wrong one. The check and the charge
 * are one statement (see `chargeAttempt`): concurrent attempts cannot all pass one check.
 *
 * An account is slowed down, never locked: past its free failures each attempt waits
 * base·2^n (capped), so its owner, who knows the password, gets in after at most the cap
 * however long someone else guesses, while the guesser gets a few attempts an hour.
 */
export async function chargeLoginAttempt(
  db: Kysely<Database>,
  settings: ThrottleSettings,
  keys: { account?: string; ip: string },
  now: Date,
): Promise<void> {
  const windowMs = settings.windowSeconds * 1000;
  const refusals = await chargeAttempt(db, {
    ...keys,
    now,
    windowStart: new Date(now.getTime() - windowMs),
    maxPerIp: settings.maxPerIp,
    freePerAccount: settings.maxPerAccount,
    backoffBaseMs: settings.backoffBaseSeconds * 1000,
    // A wait past the window would outlive the count it is based on.
    backoffMaxMs: Math.min(settings.backoffMaxSeconds * 1000, windowMs),
  });
  if (refusals.length === 0) return;
  // Refused by its account's backoff, the attempt checked no password: its address gets it back,
  // so an owner retrying too early does not use up their own address's allowance. (Refused by
  // the address, it stays counted against the account: that cannot be undone in the statement.)
  if (!refusals.some((r) => r.key === keys.ip)) await giveBack(db, keys.ip);
  const retryAfter = Math.max(
    1,
    ...refusals.map((r) =>
      r.retryAt ? Math.ceil((r.retryAt.getTime() - now.getTime()) / 1000) : 1,
    ),
  );
  throw errors.USERS_TOO_MANY_LOGIN_FAILURES(
    `too many failed logins; try again in ${retryAfter} s`,
    { retryAfter },
    { 'retry-after': String(retryAfter) },
  );
}

/**
 * A registration tells whether an email is taken, so it is charged to its address like a login
 * attempt (the same counter, the same 429): whoever learns emails learns them at the rate a
 * guesser guesses passwords. No account is charged — no password is being guessed.
 */
export async function chargeRegistration(
  db: Kysely<Database>,
  settings: ThrottleSettings,
  ip: string,
  now: Date,
): Promise<void> {
  await chargeLoginAttempt(db, settings, { ip: throttleKeys('', ip).ip }, now);
}

/** A successful login clears its account's count and gives its address the attempt back (one good account must not launder an address's failures). */
export async function recordLoginSuccess(
  db: Kysely<Database>,
  keys: { account?: string; ip: string },
): Promise<void> {
  await settleSuccess(db, keys);
}
