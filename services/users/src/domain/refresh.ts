import { findUserById } from '../db/users-repository.js';
import { errors } from '../errors.js';
import type { UsersContext } from './context.js';
import { revokeByToken, rotateRefreshToken } from './refresh-tokens.js';
import { tokenPair, type TokenPair } from './token-pair.js';
import { toUser } from './user.js';

export interface ReuseDetected {
  userId: string;
  familyId: string;
}

const invalid = () =>
  errors.USERS_INVALID_REFRESH_TOKEN('the refresh token is unknown, expired, spent or revoked');

/**
 * A new token pair for a refresh token, which is spent. A spent token presented again revokes
 * its whole family (committed before the 401), and `onReuse` is told so it can be logged.
 */
export async function refresh(
  ctx: UsersContext,
  token: string,
  onReuse: (reuse: ReuseDetected) => void = () => undefined,
): Promise<TokenPair> {
  const now = ctx.now();
  const result = await ctx.db
    .transaction()
    .execute((trx) => rotateRefreshToken(trx, ctx, token, now));
  if (result.outcome === 'reused') onReuse({ userId: result.userId, familyId: result.familyId });
  if (result.outcome !== 'rotated') throw invalid();
  // Roles are read again: a role granted or taken since the last login shows in the new token.
  const row = await findUserById(ctx.db, result.userId);
  if (!row) throw invalid();
  return tokenPair(ctx, toUser(row), result.refreshToken, now);
}

/** Revokes the refresh token's family; nothing happens for an unknown token (logout is idempotent). */
export async function logout(
  ctx: UsersContext,
  token: string,
): Promise<{ userId: string; familyId: string } | undefined> {
  const now = ctx.now();
  return ctx.db.transaction().execute((trx) => revokeByToken(trx, token, now));
}
