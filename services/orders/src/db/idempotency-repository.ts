import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The first answer to a (shopper, key): always a 202 with the order, replayed as it was. */
export interface StoredAnswer {
  fingerprint: string;
  orderId: string;
  body: unknown;
}

export async function findIdempotencyKey(
  db: Db,
  userId: string,
  key: string,
): Promise<StoredAnswer | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'order_id', 'response_body'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
  return (
    row && {
      fingerprint: row.fingerprint,
      orderId: row.order_id,
      body: row.response_body,
    }
  );
}

/**
 * Claims (user, key) for this transaction. When another transaction holds the same key
 * uncommitted, Postgres makes this insert wait for it: if it commits, the insert conflicts and
 * this returns false (the caller replays the winner's answer); if it rolls back, the claim
 * succeeds. This is what makes simultaneous requests with one key create one order.
 */
export async function claimIdempotencyKey(
  trx: Transaction<Database>,
  userId: string,
  key: string,
  answer: StoredAnswer,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({
      user_id: userId,
      key,
      fingerprint: answer.fingerprint,
      order_id: answer.orderId,
      response_body: JSON.stringify(answer.body),
    })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Forgets keys older than the retention window; returns how many. */
export async function pruneIdempotencyKeys(db: Db, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
