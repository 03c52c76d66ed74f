import type { Role } from '@bazaar/auth';
import { ACCESS_TOKEN_TYPE } from '@bazaar/auth';
import { SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import type { KeyStore } from './keys/key-store.js';
import type { TokenSettings } from './context.js';

/**
 * A short-lived access token (RFC 9068 `at+jwt`): `sub`, `roles`, `iss`, `aud`, `iat`, `exp`,
 * a unique `jti`, signed by the current key and naming it in `kid`.
 */
export async function signAccessToken(
  keys: KeyStore,
  settings: TokenSettings,
  user: { id: string; roles: Role[] },
  now: Date,
): Promise<string> {
  const key = keys.signer(now);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ roles: user.roles })
    .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(user.id)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.accessTtlSeconds)
    .setJti(uuidv7())
    .sign(key.privateKey);
}
