import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { TokenVerifier } from './verifier.js';
import type { AuthUser } from './user.js';

export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most (oldest out first); default 10,000. */
  maxEntries?: number;
  /**
   * Longest a verification is trusted, ms (default 60 s), and never past the token's `exp`: a
   * key withdrawn from the key set stops its tokens within this much time.
   */
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry {
  user: Omit<AuthUser, 'token'>;
  until: number;
}

/**
 * Verifies each access token once per process: a valid token's user is remembered under the
 * token's SHA-256 (never the token itself) until the token expires or `maxAgeMs` passes,
 * whichever comes first. An order's token is checked at every hop and in every request of a
 * session; the signature check costs far more than a hash. Refusals are not remembered.
 */
export function cachedTokenVerifier(
  verifier: TokenVerifier,
  options: VerifiedTokenCacheOptions = {},
): TokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  return {
    async verify(token) {
      const key = createHash('sha256').update(token).digest('base64url');
      const at = now();
      const kept = entries.get(key);
      if (kept && at < kept.until) return { ...kept.user, token };
      if (kept) entries.delete(key);

      const user = await verifier.verify(token);
      const exp = decodeJwt(token).exp;
      const until = Math.min(at + maxAgeMs, typeof exp === 'number' ? exp * 1000 : at);
      if (until > at) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, { user: { id: user.id, roles: user.roles }, until });
      }
      return user;
    },
  };
}
