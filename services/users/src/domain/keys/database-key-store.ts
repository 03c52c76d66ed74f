import type { Kysely } from 'kysely';
import type { Database, SigningKeyRow } from '../../db/database.js';
import {
  deleteRemovedKeys,
  insertSigningKey,
  listPublishedKeys,
  lockSigningKeys,
  retireSigningKeys,
} from '../../db/signing-keys-repository.js';
import { openPrivateKey, sealPrivateKey } from './key-encryption.js';
import { generateSigningKey, readPrivateKey } from './key-material.js';
import type { KeyStore, SigningAlgorithm, SigningKey } from './key-store.js';
import { changingKeyResolver } from './local-resolver.js';

export interface DatabaseKeySettings {
  algorithm: SigningAlgorithm;
  /** A new key is created when the newest one has signed this long. */
  rotationMs: number;
  /** A new key is published this long before it signs. */
  publishDelayMs: number;
  /** Access-token lifetime: a retired key stays published this long (plus a margin). */
  tokenTtlMs: number;
  /** Seals private keys at rest when given. */
  encryptionSecret?: string;
}

// Verifiers tolerate a little clock skew; a retired key outlives its last token by this much.
const REMOVAL_MARGIN_MS = 60_000;

function toSigningKey(row: SigningKeyRow, secret: string | undefined): SigningKey {
  const pem = openPrivateKey(row.private_key, row.kid, secret);
  return {
    kid: row.kid,
    algorithm: row.algorithm,
    privateKey: readPrivateKey(pem, `signing key ${row.kid}`),
    publicJwk: row.public_jwk,
    activatesAt: row.activates_at,
  };
}

/**
 * Keys created, rotated and removed by this service and kept in its database (the local
 * default). Life of a key: created and published -> signs from `activatesAt` (after the
 * publish delay, so every verifier can have it first) -> retired when its successor activates
 * -> unpublished and deleted once its last token has expired.
 */
export async function createDatabaseKeyStore(
  db: Kysely<Database>,
  settings: DatabaseKeySettings,
): Promise<KeyStore> {
  let keys: SigningKey[] = [];

  async function reload(): Promise<void> {
    const rows = await listPublishedKeys(db, new Date());
    keys = rows.map((row) => toSigningKey(row, settings.encryptionSecret));
  }

  async function createKey(
    trx: Parameters<typeof insertSigningKey>[0],
    now: Date,
    activatesAt: Date,
  ): Promise<string> {
    const key = await generateSigningKey(settings.algorithm);
    await insertSigningKey(trx, {
      kid: key.kid,
      algorithm: settings.algorithm,
      publicJwk: key.publicJwk,
      privateKey: sealPrivateKey(key.pem, key.kid, settings.encryptionSecret),
      createdAt: now,
      activatesAt,
    });
    // Whatever signs until then retires then, and goes once its last token has expired.
    const removesAt = new Date(activatesAt.getTime() + settings.tokenTtlMs + REMOVAL_MARGIN_MS);
    await retireSigningKeys(trx, activatesAt, removesAt, key.kid);
    return key.kid;
  }

  async function rotateIn(now: Date, force: boolean): Promise<string | undefined> {
    return db.transaction().execute(async (trx) => {
      await lockSigningKeys(trx);
      await deleteRemovedKeys(trx, now);
      const rows = await listPublishedKeys(trx, now);
      const newest = rows.at(-1);
      // First start: nothing was ever signed, so the first key may sign at once.
      if (!newest) return createKey(trx, now, now);
      if (newest.activates_at > now) return newest.kid; // a successor is already waiting
      const due = now.getTime() - newest.activates_at.getTime() >= settings.rotationMs;
      if (!force && !due) return undefined;
      return createKey(trx, now, new Date(now.getTime() + settings.publishDelayMs));
    });
  }

  const jwks = () => ({ keys: keys.map((k) => k.publicJwk) });
  const store: KeyStore = {
    signer(now) {
      if (keys.length === 0) throw new Error('no signing key is loaded: maintain() was not run');
      // The newest active key; should clocks disagree, the oldest published one (never none).
      return keys.filter((k) => k.activatesAt <= now).at(-1) ?? keys[0];
    },
    jwks,
    verificationKeys: changingKeyResolver(jwks, reload),
    reload,
    async maintain(now) {
      await rotateIn(now, false);
      await reload();
    },
    async rotate(now) {
      const kid = await rotateIn(now, true);
      await reload();
      return kid!;
    },
  };
  return store;
}
