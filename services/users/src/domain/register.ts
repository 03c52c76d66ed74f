import { v7 as uuidv7 } from 'uuid';
import { insertUser } from '../db/users-repository.js';
import { errors } from '../errors.js';
import { writeUserRegistered } from './user-events.js';
import type { UsersContext } from './context.js';
import { normalizeEmail } from './email.js';
import { chargeRegistration, recordLoginSuccess, throttleKeys } from './login-throttle.js';
import { assertPasswordPolicy } from './password-policy.js';
import { startFamily } from './refresh-tokens.js';
import { tokenPair, type TokenPair } from './token-pair.js';

export interface Registration {
  email: string;
  password: string;
  name: string;
  /** The client's address: a registration is charged to it (see `chargeRegistration`). */
  ip: string;
}

/**
 * Creates a customer account and signs it in: the user, its first refresh-token family and the
 * `user.registered` event are written in one transaction. A taken email is a 409 — and, as it
 * tells that the email has an account, it stays charged to the client's address like a failed
 * login (docs/decisions.md, "email enumeration"); a new account gives the attempt back.
 */
export async function register(ctx: UsersContext, input: Registration): Promise<TokenPair> {
  const email = normalizeEmail(input.email);
  assertPasswordPolicy(input.password, email);
  // Before the hash: a throttled address costs no argon2 work.
  await chargeRegistration(ctx.db, ctx.throttle, input.ip, ctx.now());
  const passwordHash = await ctx.hasher.hash(input.password);
  const now = ctx.now();
  const id = uuidv7();
  const name = input.name.trim();
  const refreshToken = await ctx.db.transaction().execute(async (trx) => {
    const row = {
      id,
      email,
      name,
      password_hash: passwordHash,
      roles: ['customer'],
      created_at: now,
      updated_at: now,
    };
    if (!(await insertUser(trx, row))) return undefined;
    await writeUserRegistered(trx, { userId: id, email, name });
    return startFamily(trx, ctx, id, now);
  });
  if (!refreshToken) throw errors.USERS_EMAIL_TAKEN('an account with this email already exists');
  await recordLoginSuccess(ctx.db, { ip: throttleKeys(email, input.ip).ip });
  return tokenPair(
    ctx,
    { id, email, name, roles: ['customer'], createdAt: now.toISOString() },
    refreshToken,
    now,
  );
}
