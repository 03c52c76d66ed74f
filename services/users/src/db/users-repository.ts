import type { Kysely, Transaction } from 'kysely';
import type { Database, NewUserRow, UserRow } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Inserts a user; resolves to false when the email is already taken. `on conflict do nothing`
 * rather than catching the unique violation: a failed statement aborts the caller's
 * transaction, whose commit then rolls back (kysely 0.29 rightly throws there).
 */
export async function insertUser(trx: Db, user: NewUserRow): Promise<boolean> {
  const result = await trx
    .insertInto('users')
    .values(user)
    .onConflict((conflict) => conflict.column('email').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks a user's row for the rest of the transaction (address count checks). */
export async function lockUser(trx: Transaction<Database>, id: string): Promise<boolean> {
  const row = await trx
    .selectFrom('users')
    .select('id')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateUserName(
  db: Db,
  id: string,
  name: string,
  now: Date,
): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({ name, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Replaces a hash only if it is still the one read, so a concurrent change is never undone. */
export async function replacePasswordHash(
  db: Db,
  id: string,
  previous: string,
  next: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: next })
    .where('id', '=', id)
    .where('password_hash', '=', previous)
    .execute();
}

export async function adminExists(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.val('admin'), '=', eb.fn.any('roles')))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
