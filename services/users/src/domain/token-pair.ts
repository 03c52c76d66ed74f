import type { Role } from '@bazaar/auth';
import { signAccessToken } from './access-tokens.js';
import type { UsersContext } from './context.js';
import type { User } from './user.js';

/** What register, login and refresh answer. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives. */
  expiresIn: number;
  user: User;
}

export async function tokenPair(
  ctx: UsersContext,
  user: User,
  refreshToken: string,
  now: Date,
): Promise<TokenPair> {
  const accessToken = await signAccessToken(
    ctx.keys,
    ctx.tokens,
    { id: user.id, roles: user.roles as Role[] },
    now,
  );
  return {
    accessToken,
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: ctx.tokens.accessTtlSeconds,
    user,
  };
}
