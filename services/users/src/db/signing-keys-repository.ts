import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, SigningKeyRow } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

// One lock for key maintenance: replicas starting together create one first key, not three.
const SIGNING_KEYS_LOCK = 7_305_222;

/** Serializes key maintenance across replicas for the rest of the transaction. */
export async function lockSigningKeys(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SIGNING_KEYS_LOCK})`.execute(trx);
}

/** Keys still published at `now`, oldest activation first. */
export async function listPublishedKeys(db: Db, now: Date): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('removes_at', 'is', null), eb('removes_at', '>', now)]))
    .orderBy('activates_at')
    .execute();
}

export async function insertSigningKey(
  trx: Db,
  key: {
    kid: string;
    algorithm: 'EdDSA' | 'ES256';
    publicJwk: object;
    privateKey: string;
    createdAt: Date;
    activatesAt: Date;
  },
): Promise<void> {
  await trx
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      algorithm: key.algorithm,
      public_jwk: JSON.stringify(key.publicJwk),
      private_key: key.privateKey,
      created_at: key.createdAt,
      activates_at: key.activatesAt,
    })
    .execute();
}

/** Keys not yet retired stop signing when `retiresAt` comes and are removed at `removesAt`. */
export async function retireSigningKeys(
  trx: Db,
  retiresAt: Date,
  removesAt: Date,
  exceptKid: string,
): Promise<void> {
  await trx
    .updateTable('signing_keys')
    .set({ retires_at: retiresAt, removes_at: removesAt })
    .where('retires_at', 'is', null)
    .where('kid', '!=', exceptKid)
    .execute();
}

export async function deleteRemovedKeys(trx: Db, now: Date): Promise<number> {
  const result = await trx
    .deleteFrom('signing_keys')
    .where('removes_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
