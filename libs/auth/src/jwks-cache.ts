import {
  createLocalJWKSet,
  errors as joseErrors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type KeyLike,
} from 'jose';

export interface JwksCacheOptions {
  /** Where the key set is served (`http://127.0.0.1:8083/.well-known/jwks.json`). */
  url: string;
  /** Keys older than this are fetched again before use, so a removed key stops verifying. */
  maxAgeMs?: number;
  /** Least time between two fetches triggered by unknown `kid`s: a flood of forged kids cannot hammer the issuer. */
  cooldownMs?: number;
  /** How long a key set may still be used while the issuer cannot be reached. */
  maxStaleMs?: number;
  timeoutMs?: number;
  /** The allow-list: keys published for any other algorithm are dropped (default EdDSA, ES256). */
  algorithms?: readonly string[];
  /** Told when a fetch fails and stale keys are used (never given a token). */
  onFetchError?: (error: unknown) => void;
}

/** Thrown when no usable key set could be had: the caller answers 503, not 401. */
export class KeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('JWKS could not be fetched', { cause });
    this.name = 'KeysUnavailableError';
  }
}

/**
 * The algorithm a published key is for: its `alg`, or — when the issuer left it out — the one
 * its key type allows (Ed25519 → EdDSA, P-256 → ES256). Undefined for anything else.
 */
export function algorithmOf(jwk: JWK): string | undefined {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

/**
 * The keys of a set that may verify access tokens, each pinned to its one algorithm (jose then
 * accepts a token for a key only when the token's `alg` is the key's).
 */
export function usableKeys(set: JSONWebKeySet, algorithms: readonly string[]): JSONWebKeySet {
  const keys = Array.isArray(set?.keys) ? set.keys : [];
  return {
    keys: keys
      .filter((jwk) => (jwk.use ?? 'sig') === 'sig')
      .map((jwk) => ({ ...jwk, alg: algorithmOf(jwk) }))
      .filter((jwk) => jwk.alg !== undefined && algorithms.includes(jwk.alg)),
  };
}

type GetKey = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<KeyLike>;

/**
 * A JWKS fetched over HTTP and kept in memory. Unlike jose's `createRemoteJWKSet`, an
 * unreachable issuer does not fail every request at once: the last good set is used for up to
 * `maxStaleMs` while fetches keep being retried (at most one per cooldown).
 */
export class JwksCache {
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly maxStaleMs: number;
  private readonly timeoutMs: number;
  private readonly algorithms: readonly string[];
  private local: GetKey | undefined;
  private fetchedAt = 0;
  private attemptedAt = 0;
  private inflight: Promise<void> | undefined;
  /** How many times the set was fetched (for metrics and tests). */
  fetches = 0;

  constructor(private readonly options: JwksCacheOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.maxStaleMs = options.maxStaleMs ?? 60 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.algorithms = options.algorithms ?? ['EdDSA', 'ES256'];
  }

  /** A jose key resolver: `jwtVerify(token, cache.getKey, ...)`. */
  readonly getKey: GetKey = async (header, token) => {
    const now = Date.now();
    if (!this.local || now - this.fetchedAt > this.maxAgeMs) {
      await this.refresh(now - this.attemptedAt >= this.cooldownMs || !this.local);
    }
    try {
      return await this.local!(header, token);
    } catch (error) {
      const unknownKid = error instanceof joseErrors.JWKSNoMatchingKey;
      if (!unknownKid || Date.now() - this.attemptedAt < this.cooldownMs) throw error;
      // A kid we have not seen: the issuer may have published a new key since our last fetch.
      await this.refresh(true);
      return this.local!(header, token);
    }
  };

  private async refresh(fetchNow: boolean): Promise<void> {
    if (!fetchNow && this.local && Date.now() - this.fetchedAt <= this.maxStaleMs) return;
    this.inflight ??= this.fetchSet().finally(() => (this.inflight = undefined));
    await this.inflight;
  }

  private async fetchSet(): Promise<void> {
    this.attemptedAt = Date.now();
    this.fetches += 1;
    try {
      const response = await fetch(this.options.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      const set = (await response.json()) as JSONWebKeySet;
      this.local = createLocalJWKSet(usableKeys(set, this.algorithms)) as GetKey;
      this.fetchedAt = Date.now();
    } catch (error) {
      this.options.onFetchError?.(error);
      // The last good set serves a while longer: an issuer restart must not log everyone out.
      if (this.local && Date.now() - this.fetchedAt <= this.maxStaleMs) return;
      throw new KeysUnavailableError(error);
    }
  }
}
