// `pnpm --filter @bazaar/users keygen [EdDSA|ES256]`: a new private signing key as a JWK, for the
// `JWT_PRIVATE_KEYS` Secret of a deployed environment (see README, "Key rotation").
import { commandLine, oneOf } from '@bazaar/cli';
import { exportJWK } from 'jose';
import { generateSigningKey } from '../domain/keys/key-material.js';

const algorithm = commandLine(
  {
    name: 'keygen',
    command: 'pnpm --filter @bazaar/users keygen --',
    summary:
      'Prints a new private signing key as a JWK (one line), for the JWT_PRIVATE_KEYS Secret.',
    positionals: [{ name: 'algorithm', description: 'EdDSA (default) or ES256' }],
  },
  ({ positionals }) => oneOf('algorithm', positionals[0] ?? 'EdDSA', ['EdDSA', 'ES256'] as const),
);
const key = await generateSigningKey(algorithm);
const jwk = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: algorithm };
process.stdout.write(`${JSON.stringify(jwk)}\n`);
