import { findUserByEmail, replacePasswordHash } from '../db/users-repository.js';
import { errors } from '../errors.js';
import type { UsersContext } from './context.js';
import { normalizeEmail } from './email.js';
import { chargeLoginAttempt, recordLoginSuccess, throttleKeys } from './login-throttle.js';
import { startFamily } from './refresh-tokens.js';
import { tokenPair, type TokenPair } from './token-pair.js';
import { toUser } from './user.js';

// One answer for an unknown email and a wrong password: login never tells which emails exist.
const invalid = () => errors.USERS_INVALID_CREDENTIALS('email or password is wrong');

/**
 * Signs a user in: throttled per account (backoff) and per client address (see login-throttle.ts), the password checked in
 * constant work whether the account exists or not, the hash upgraded when today's parameters
 * are stronger than the ones it was made with, and a new refresh-token family started.
 */
export async function login(
  ctx: UsersContext,
  input: { email: string; password: string; ip: string },
): Promise<TokenPair> {
  const email = normalizeEmail(input.email);
  const keys = throttleKeys(email, input.ip);
  await chargeLoginAttempt(ctx.db, ctx.throttle, keys, ctx.now());

  const row = await findUserByEmail(ctx.db, email);
  const ok = row
    ? await ctx.hasher.verify(row.password_hash, input.password)
    : (await ctx.hasher.verifyUnknown(input.password), false);
  // The attempt was charged before the check: a failure has nothing more to record.
  if (!row || !ok) throw invalid();
  await recordLoginSuccess(ctx.db, keys);
  if (ctx.hasher.needsRehash(row.password_hash)) {
    const upgraded = await ctx.hasher.hash(input.password);
    await replacePasswordHash(ctx.db, row.id, row.password_hash, upgraded);
  }
  const now = ctx.now();
  const refreshToken = await ctx.db
    .transaction()
    .execute((trx) => startFamily(trx, ctx, row.id, now));
  return tokenPair(ctx, toUser(row), refreshToken, now);
}
