// `pnpm --filter @bazaar/users keygen [EdDSA|ES256]`: a new private signing key as a JWK, for the
// `JWT_PRIVATE_KEYS` Secret of a deployed environment (see README, "Key rotation").
import { exportJWK } from 'jose';
import { generateSigningKey } from '../domain/keys/key-material.js';

const algorithm = process.argv[2] === 'ES256' ? 'ES256' : 'EdDSA';
const key = await generateSigningKey(algorithm);
const jwk = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: algorithm };
process.stdout.write(`${JSON.stringify(jwk)}\n`);
