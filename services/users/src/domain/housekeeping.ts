import { deleteClosedWindows } from '../db/login-failures-repository.js';
import { deleteExpiredRefreshTokens } from '../db/refresh-tokens-repository.js';
import type { UsersContext } from './context.js';

/**
 * Periodic upkeep, safe on every replica at once: keys rotated when due and removed once their
 * tokens expired (then reloaded, picking up another replica's rotation), expired refresh tokens
 * and closed throttle windows deleted.
 */
export async function housekeeping(ctx: UsersContext): Promise<void> {
  const now = ctx.now();
  await ctx.keys.maintain(now);
  await deleteExpiredRefreshTokens(ctx.db, now);
  await deleteClosedWindows(ctx.db, new Date(now.getTime() - ctx.throttle.windowSeconds * 1000));
}
