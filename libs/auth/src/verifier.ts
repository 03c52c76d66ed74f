import { errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { authErrors } from './errors.js';
import { JwksCache, KeysUnavailableError } from './jwks-cache.js';
import { ACCESS_TOKEN_TYPE, ROLES, type AuthUser, type Role } from './user.js';

/** Asymmetric algorithms an access token may be signed with; never `none`, never HMAC. */
export type AccessTokenAlgorithm = 'EdDSA' | 'ES256';

/**
 * The allow-list: the algorithms the users service signs with. A token is accepted only under
 * the algorithm its key is published with (see `JwksCache`), and only if that is one of these.
 */
export const ACCESS_TOKEN_ALGORITHMS: readonly AccessTokenAlgorithm[] = ['EdDSA', 'ES256'];

function allowedAlgorithms(asked: readonly string[] | undefined): AccessTokenAlgorithm[] {
  const algorithms = asked ?? ACCESS_TOKEN_ALGORITHMS;
  const foreign = algorithms.filter((a) => !ACCESS_TOKEN_ALGORITHMS.includes(a as never));
  if (foreign.length > 0 || algorithms.length === 0) {
    throw new Error(
      `@bazaar/auth: algorithms must be some of ${ACCESS_TOKEN_ALGORITHMS.join(', ')} (got ${
        algorithms.join(', ') || 'none'
      })`,
    );
  }
  return [...algorithms] as AccessTokenAlgorithm[];
}

export interface VerifierOptions {
  /** The users service's key set; or give `keys` instead (the users service checks its own). */
  jwksUrl?: string;
  /** A jose key resolver, instead of fetching `jwksUrl`. */
  keys?: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /**
   * Narrows the allow-list (default: all of `ACCESS_TOKEN_ALGORITHMS`). Whatever is allowed, a
   * token must use the algorithm its key is published with.
   */
  algorithms?: AccessTokenAlgorithm[];
  /** Clock skew tolerated on `exp`, `iat` and `nbf`, seconds (default 5). */
  clockToleranceSeconds?: number;
  /** Keys are fetched again after this long, so a removed key stops verifying (default 5 min). */
  jwksMaxAgeMs?: number;
  /** Least time between fetches caused by an unknown `kid` (default 30 s). */
  jwksCooldownMs?: number;
  /** How long the last good key set is used while the issuer is unreachable (default 1 h). */
  jwksMaxStaleMs?: number;
  jwksTimeoutMs?: number;
  /** Told when the key set cannot be fetched. */
  onJwksError?: (error: unknown) => void;
}

export interface TokenVerifier {
  /** The user of a valid access token; throws a 401 (or 503) AppError otherwise. */
  verify(token: string): Promise<AuthUser>;
}

// Three base64url segments; anything else is not worth handing to the JOSE parser.
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;

function rolesOf(claim: unknown): Role[] | undefined {
  if (!Array.isArray(claim)) return undefined;
  return claim.filter((role): role is Role => ROLES.includes(role as Role));
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `the token's ${error.claim} claim is not accepted`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return 'the token was signed by an unknown key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return "the token's signature is not valid";
  }
  return 'the token is malformed';
}

/**
 * Checks Bazaar access tokens: signature against the issuer's published keys, algorithm
 * pinned to the one the token's key is published with (from the allow-list), `typ` `at+jwt`, `iss`, `aud`, `exp` (and `sub`, `iat`) required and checked.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const algorithms = allowedAlgorithms(options.algorithms);
  let keys = options.keys;
  if (!keys) {
    if (!options.jwksUrl) throw new Error('@bazaar/auth: give jwksUrl or keys');
    keys = new JwksCache({
      url: options.jwksUrl,
      maxAgeMs: options.jwksMaxAgeMs,
      cooldownMs: options.jwksCooldownMs,
      maxStaleMs: options.jwksMaxStaleMs,
      timeoutMs: options.jwksTimeoutMs,
      algorithms,
      onFetchError: options.onJwksError,
    }).getKey;
  }
  const resolver = keys;
  const verifyOptions = {
    algorithms,
    issuer: options.issuer,
    audience: options.audience,
    typ: ACCESS_TOKEN_TYPE,
    clockTolerance: options.clockToleranceSeconds ?? 5,
    requiredClaims: ['sub', 'exp', 'iat'],
  };

  return {
    async verify(token) {
      if (!COMPACT_JWS.test(token)) throw authErrors.unauthenticated('the token is malformed');
      try {
        const { payload } = await jwtVerify(token, resolver, verifyOptions);
        const roles = rolesOf(payload.roles);
        if (!payload.sub || !roles) {
          throw authErrors.unauthenticated('the token carries no subject or roles');
        }
        return { id: payload.sub, roles, token };
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) {
          throw authErrors.unauthenticated(reasonOf(error));
        }
        if (error instanceof KeysUnavailableError) throw authErrors.keysUnavailable();
        throw error;
      }
    },
  };
}
