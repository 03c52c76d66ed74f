import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertFamily(trx: Db, family: { id: string; userId: string; now: Date }) {
  await trx
    .insertInto('refresh_token_families')
    .values({
      id: family.id,
      user_id: family.userId,
      created_at: family.now,
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();
}

export async function insertRefreshToken(
  trx: Db,
  token: { hash: string; familyId: string; userId: string; now: Date; expiresAt: Date },
): Promise<void> {
  await trx
    .insertInto('refresh_tokens')
    .values({
      token_hash: token.hash,
      family_id: token.familyId,
      user_id: token.userId,
      created_at: token.now,
      expires_at: token.expiresAt,
      spent_at: null,
    })
    .execute();
}

/** A token with its family's state, locked for the rest of the transaction. */
export async function findRefreshTokenForUpdate(trx: Transaction<Database>, hash: string) {
  return trx
    .selectFrom('refresh_tokens as t')
    .innerJoin('refresh_token_families as f', 'f.id', 't.family_id')
    .select([
      't.token_hash',
      't.family_id',
      't.user_id',
      't.expires_at',
      't.spent_at',
      'f.revoked_at',
    ])
    .where('t.token_hash', '=', hash)
    .forUpdate()
    .executeTakeFirst();
}

export async function markSpent(trx: Db, hash: string, now: Date): Promise<void> {
  await trx
    .updateTable('refresh_tokens')
    .set({ spent_at: now })
    .where('token_hash', '=', hash)
    .execute();
}

export async function revokeFamily(
  trx: Db,
  familyId: string,
  reason: 'logout' | 'reuse_detected',
  now: Date,
): Promise<void> {
  await trx
    .updateTable('refresh_token_families')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Housekeeping: expired tokens go, and families left with no token at all. */
export async function deleteExpiredRefreshTokens(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('refresh_tokens')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  await db
    .deleteFrom('refresh_token_families')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('refresh_tokens')
            .select('token_hash')
            .whereRef('refresh_tokens.family_id', '=', 'refresh_token_families.id'),
        ),
      ),
    )
    .where('created_at', '<', before)
    .execute();
  return Number(result.numDeletedRows);
}
