import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { KeyConfigError, type SigningAlgorithm } from './key-store.js';

/** The algorithm a private key is for: Ed25519 signs EdDSA, P-256 signs ES256; nothing else. */
export function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  throw new KeyConfigError(
    `signing keys must be Ed25519 (EdDSA) or P-256 (ES256), not ${key.asymmetricKeyType}`,
  );
}

/** The JWK published for a private key: public parts only. */
export async function publicJwkOf(
  privateKey: KeyObject,
  kid: string,
  algorithm: SigningAlgorithm,
): Promise<JWK> {
  const jwk = await exportJWK(createPublicKey(privateKey));
  return { ...jwk, kid, alg: algorithm, use: 'sig' };
}

/** A new key pair; its kid is the RFC 7638 thumbprint of its public key. */
export async function generateSigningKey(algorithm: SigningAlgorithm): Promise<{
  kid: string;
  privateKey: KeyObject;
  pem: string;
  publicJwk: JWK;
}> {
  const { privateKey } = await generateKeyPair(algorithm, {
    crv: algorithm === 'EdDSA' ? 'Ed25519' : 'P-256',
    extractable: true,
  });
  const keyObject = privateKey as unknown as KeyObject;
  const kid = await calculateJwkThumbprint(await exportJWK(createPublicKey(keyObject)));
  return {
    kid,
    privateKey: keyObject,
    pem: keyObject.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk: await publicJwkOf(keyObject, kid, algorithm),
  };
}

/** Reads a PKCS#8 PEM or a private JWK into a key object, saying what is wrong otherwise. */
export function readPrivateKey(source: string | JWK, label: string): KeyObject {
  try {
    const key =
      typeof source === 'string'
        ? createPrivateKey(source)
        : createPrivateKey({ key: source as never, format: 'jwk' });
    if (key.type !== 'private') throw new Error('not a private key');
    return key;
  } catch (error) {
    throw new KeyConfigError(`${label}: not a usable private key (${(error as Error).message})`);
  }
}
