import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { KeyConfigError } from './key-store.js';

const PREFIX = 'enc:v1:';

function keyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', 'bazaar-users signing keys v1', 32));
}

/**
 * Private keys at rest: AES-256-GCM under a key derived (HKDF) from the configured secret, the
 * kid bound as associated data so a ciphertext cannot be moved to another row. Without a secret
 * (local use) the PEM is stored as is.
 */
export function sealPrivateKey(pem: string, kid: string, secret: string | undefined): string {
  if (!secret) return pem;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  cipher.setAAD(Buffer.from(kid));
  const body = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return `${PREFIX}${[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join(':')}`;
}

/** The PEM of a stored private key; a clear startup error when it cannot be opened. */
export function openPrivateKey(stored: string, kid: string, secret: string | undefined): string {
  if (!stored.startsWith(PREFIX)) return stored;
  if (!secret) {
    throw new KeyConfigError(
      `signing key ${kid} is encrypted: JWT_KEYS_ENCRYPTION_SECRET is required`,
    );
  }
  const [iv, tag, body] = stored
    .slice(PREFIX.length)
    .split(':')
    .map((p) => Buffer.from(p, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), iv);
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyConfigError(
      `signing key ${kid} cannot be decrypted: is JWT_KEYS_ENCRYPTION_SECRET the one it was sealed with?`,
    );
  }
}
