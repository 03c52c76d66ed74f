import type { JWK, JWTVerifyGetKey, KeyLike } from 'jose';

export type SigningAlgorithm = 'EdDSA' | 'ES256';

/** A key that signs (or signed) access tokens, ready to use. */
export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKey: KeyLike;
  /** What `/.well-known/jwks.json` publishes: public parts, `kid`, `alg`, `use`. */
  publicJwk: JWK;
  /** Signs from then on (until a successor activates). */
  activatesAt: Date;
}

/** Where access-token keys come from: the database (managed, rotated here) or a Secret. */
export interface KeyStore {
  /** The key that signs now. */
  signer(now: Date): SigningKey;
  /** Every published public key: the signer, the next one, and retired ones whose tokens live on. */
  jwks(): { keys: JWK[] };
  /** A jose key resolver over the published keys, for this service's own token checks. */
  verificationKeys: JWTVerifyGetKey;
  /** Re-reads the keys (another replica may have rotated). */
  reload(): Promise<void>;
  /** Rotates when due and removes keys whose tokens have all expired, then reloads. */
  maintain(now: Date): Promise<void>;
  /** Publishes a new key now, which signs after the publish delay; resolves to its kid. */
  rotate(now: Date): Promise<string>;
}

/** Thrown when keys cannot be used as configured: a startup error, never a request's. */
export class KeyConfigError extends Error {
  override name = 'KeyConfigError';
}
