import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { adminExists, findUserByEmail, insertUser } from '../db/users-repository.js';
import { writeUserRegistered } from './user-events.js';
import type { UsersContext } from './context.js';
import { normalizeEmail } from './email.js';
import { assertPasswordPolicy } from './password-policy.js';

// Replicas starting together create one admin.
const ADMIN_BOOTSTRAP_LOCK = 7_305_223;

export type BootstrapResult = 'created' | 'exists';

/**
 * Creates the admin account from configuration when no admin exists. An email already taken by
 * a customer is never promoted (whoever registered it first would become admin): start fails.
 * The password gets the length rules only; the operator chose it.
 */
export async function ensureAdmin(
  ctx: UsersContext,
  admin: { email: string; password: string },
): Promise<BootstrapResult> {
  const email = normalizeEmail(admin.email);
  assertPasswordPolicy(admin.password, email, { checkEmail: false });
  if (await adminExists(ctx.db)) return 'exists';
  const passwordHash = await ctx.hasher.hash(admin.password);
  return ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${ADMIN_BOOTSTRAP_LOCK})`.execute(trx);
    if (await adminExists(trx)) return 'exists';
    if (await findUserByEmail(trx, email)) {
      throw new Error(
        `BAZAAR_ADMIN_EMAIL ${email} belongs to an account that is not an admin; choose another email`,
      );
    }
    const now = ctx.now();
    const id = uuidv7();
    await insertUser(trx, {
      id,
      email,
      name: 'Administrator',
      password_hash: passwordHash,
      roles: ['admin'],
      created_at: now,
      updated_at: now,
    });
    await writeUserRegistered(trx, { userId: id, email, name: 'Administrator' });
    return 'created';
  });
}
