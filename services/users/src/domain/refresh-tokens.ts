import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import {
  findRefreshTokenForUpdate,
  insertFamily,
  insertRefreshToken,
  markSpent,
  revokeFamily,
} from '../db/refresh-tokens-repository.js';
import { v7 as uuidv7 } from 'uuid';
import type { UsersContext } from './context.js';

/** Only the sha256 of a refresh token is stored: 256 random bits need no slow hash. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// 32 random bytes, base64url: 43 characters.
const TOKEN_SHAPE = /^[\w-]{43}$/;

async function addToken(
  trx: Transaction<Database>,
  ctx: UsersContext,
  familyId: string,
  userId: string,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertRefreshToken(trx, {
    hash: hashRefreshToken(token),
    familyId,
    userId,
    now,
    expiresAt: new Date(now.getTime() + ctx.tokens.refreshTtlSeconds * 1000),
  });
  return token;
}

/** Starts a family (a login, a registration) with its first refresh token. */
export async function startFamily(
  trx: Transaction<Database>,
  ctx: UsersContext,
  userId: string,
  now: Date,
): Promise<string> {
  const familyId = uuidv7();
  await insertFamily(trx, { id: familyId, userId, now });
  return addToken(trx, ctx, familyId, userId, now);
}

export type RotationResult =
  | { outcome: 'rotated'; userId: string; familyId: string; refreshToken: string }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

/**
 * Spends a refresh token for the next one of its family. A token spent before (a replay, a
 * stolen copy) revokes the whole family; the caller commits that revocation, then refuses.
 */
export async function rotateRefreshToken(
  trx: Transaction<Database>,
  ctx: UsersContext,
  token: string,
  now: Date,
): Promise<RotationResult> {
  if (!TOKEN_SHAPE.test(token)) return { outcome: 'invalid' };
  const hash = hashRefreshToken(token);
  const row = await findRefreshTokenForUpdate(trx, hash);
  if (!row || row.revoked_at) return { outcome: 'invalid' };
  if (row.spent_at) {
    await revokeFamily(trx, row.family_id, 'reuse_detected', now);
    return { outcome: 'reused', userId: row.user_id, familyId: row.family_id };
  }
  if (row.expires_at <= now) return { outcome: 'invalid' };
  await markSpent(trx, hash, now);
  const refreshToken = await addToken(trx, ctx, row.family_id, row.user_id, now);
  return { outcome: 'rotated', userId: row.user_id, familyId: row.family_id, refreshToken };
}

/** Logout: the token's family is revoked. Unknown tokens are ignored (logout is idempotent). */
export async function revokeByToken(
  trx: Transaction<Database>,
  token: string,
  now: Date,
): Promise<{ userId: string; familyId: string } | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await findRefreshTokenForUpdate(trx, hashRefreshToken(token));
  if (!row) return undefined;
  await revokeFamily(trx, row.family_id, 'logout', now);
  return { userId: row.user_id, familyId: row.family_id };
}
