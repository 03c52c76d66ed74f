import type { Kysely, Transaction } from 'kysely';
import type { AddressRow, Database } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertAddress(
  trx: Db,
  address: Omit<AddressRow, 'created_at'>,
): Promise<AddressRow> {
  return trx.insertInto('addresses').values(address).returningAll().executeTakeFirstOrThrow();
}

export async function countAddresses(db: Db, userId: string): Promise<number> {
  const { count } = await db
    .selectFrom('addresses')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** A page of a user's addresses in id order, after `afterId` when given. */
export async function listAddresses(
  db: Db,
  userId: string,
  limit: number,
  afterId: string | undefined,
): Promise<AddressRow[]> {
  let query = db.selectFrom('addresses').selectAll().where('user_id', '=', userId);
  if (afterId) query = query.where('id', '>', afterId);
  return query.orderBy('id').limit(limit).execute();
}

/** Deletes one of a user's addresses; false when the user has no such address. */
export async function deleteAddress(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('addresses')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
