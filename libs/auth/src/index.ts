export { authPlugin, bearerAuthScheme, type AuthGuard, type AuthPluginOptions } from './plugin.js';
export {
  ACCESS_TOKEN_ALGORITHMS,
  createTokenVerifier,
  type AccessTokenAlgorithm,
  type TokenVerifier,
  type VerifierOptions,
} from './verifier.js';
export { cachedTokenVerifier, type VerifiedTokenCacheOptions } from './verified-tokens.js';
export {
  algorithmOf,
  JwksCache,
  KeysUnavailableError,
  usableKeys,
  type JwksCacheOptions,
} from './jwks-cache.js';
export { authErrors } from './errors.js';
export { JwtConfig } from './config.js';
export {
  ROLES,
  ACCESS_TOKEN_TYPE,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  type AuthUser,
  type Role,
} from './user.js';
