import { findUserById, updateUserName } from '../db/users-repository.js';
import { errors } from '../errors.js';
import type { UsersContext } from './context.js';
import { toUser, type User } from './user.js';

// A valid token can outlive its account (deleted by hand): that is a 404, not a crash.
const gone = () => errors.USERS_NOT_FOUND('the account no longer exists');

export async function getProfile(ctx: UsersContext, userId: string): Promise<User> {
  const row = await findUserById(ctx.db, userId);
  if (!row) throw gone();
  return toUser(row);
}

/** Changes what a user may change about themselves: the name (email changes need verification, not built). */
export async function updateProfile(
  ctx: UsersContext,
  userId: string,
  patch: { name?: string },
): Promise<User> {
  if (patch.name === undefined) return getProfile(ctx, userId);
  const row = await updateUserName(ctx.db, userId, patch.name.trim(), ctx.now());
  if (!row) throw gone();
  return toUser(row);
}
