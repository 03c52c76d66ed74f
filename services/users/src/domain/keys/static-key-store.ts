import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { createPublicKey } from 'node:crypto';
import { errors } from '../../errors.js';
import { changingKeyResolver } from './local-resolver.js';
import { algorithmOf, publicJwkOf, readPrivateKey } from './key-material.js';
import { KeyConfigError, type KeyStore, type SigningKey } from './key-store.js';

function parseSource(source: string): { jwk?: JWK; pem?: string }[] {
  const text = source.trim();
  if (text.startsWith('-----BEGIN')) return [{ pem: text }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyConfigError('JWT_PRIVATE_KEYS: neither a PEM nor JSON (a JWK or a JWK set)');
  }
  const keys = (parsed as { keys?: unknown }).keys ?? [parsed];
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new KeyConfigError('JWT_PRIVATE_KEYS: the JWK set has no keys');
  }
  return keys.map((jwk) => ({ jwk: jwk as JWK }));
}

/**
 * Keys given by the deployment (a Kubernetes Secret in `JWT_PRIVATE_KEYS`): all are published,
 * `signingKid` (or the first) signs. Rotation is done by editing the Secret, in three rollouts:
 * add the new key (published only), make it the signer, remove the old one after the access
 * token lifetime. Nothing is written to the database.
 */
export async function createStaticKeyStore(
  source: string,
  signingKid: string | undefined,
): Promise<KeyStore> {
  const keys: SigningKey[] = [];
  for (const [index, entry] of parseSource(source).entries()) {
    const label = `JWT_PRIVATE_KEYS key ${index + 1}`;
    const privateKey = readPrivateKey(entry.pem ?? entry.jwk!, label);
    const algorithm = algorithmOf(privateKey);
    if (entry.jwk?.alg && entry.jwk.alg !== algorithm) {
      throw new KeyConfigError(`${label}: alg ${entry.jwk.alg} does not fit its ${algorithm} key`);
    }
    const kid =
      entry.jwk?.kid ??
      (await calculateJwkThumbprint(await exportJWK(createPublicKey(privateKey))));
    keys.push({
      kid,
      algorithm,
      privateKey,
      publicJwk: await publicJwkOf(privateKey, kid, algorithm),
      activatesAt: new Date(0),
    });
  }
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    throw new KeyConfigError('JWT_PRIVATE_KEYS: two keys have the same kid');
  }
  const signer = signingKid ? keys.find((k) => k.kid === signingKid) : keys[0];
  if (!signer)
    throw new KeyConfigError(`JWT_SIGNING_KID: no key ${signingKid} in JWT_PRIVATE_KEYS`);
  const jwks = () => ({ keys: keys.map((k) => k.publicJwk) });

  const fixed = async (): Promise<never> => {
    throw errors.USERS_KEYS_MANAGED_EXTERNALLY(
      'signing keys come from JWT_PRIVATE_KEYS: rotate them by editing the Secret (see README)',
    );
  };
  return {
    signer: () => signer,
    jwks,
    verificationKeys: changingKeyResolver(jwks, async () => undefined),
    reload: async () => undefined,
    maintain: async () => undefined,
    rotate: fixed,
  };
}
