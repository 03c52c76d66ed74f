import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { ACCESS_TOKEN_TYPE, DEFAULT_AUDIENCE, DEFAULT_ISSUER, type Role } from './user.js';

export interface TestTokenClaims {
  sub: string;
  /** Default `['customer']`; `null` leaves the claim out. */
  roles?: Role[] | null;
  /** The `typ` header (default `at+jwt`). */
  type?: string;
  /** Lifetime in seconds (default 900); negative for an already expired token. */
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
  /** Sign with this published key instead of the current one. */
  kid?: string;
  /** Extra claims merged into the payload. */
  extra?: Record<string, unknown>;
}

export interface TestIssuer {
  /** Where the key set is served: give it to `authPlugin` as `jwksUrl`. */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** The `kid` tokens are signed with now. */
  currentKid: string;
  /** How many times the key set was fetched. */
  readonly jwksRequests: number;
  /** A real access token (EdDSA or ES256, as its key), as the users service would sign it. */
  sign(claims: TestTokenClaims): Promise<string>;
  /** Publishes a new key (of `algorithm`, default the issuer's) and signs with it from now on; the old one stays published. */
  rotate(algorithm?: TestKeyAlgorithm): Promise<string>;
  /** Stops publishing a key (tokens it signed should then fail). */
  removeKey(kid: string): void;
  /** The published public keys. */
  jwks(): { keys: JWK[] };
  close(): Promise<void>;
}

/** The key types the users service signs with: Ed25519 (`EdDSA`) or P-256 (`ES256`). */
export type TestKeyAlgorithm = 'EdDSA' | 'ES256';

interface TestKey {
  kid: string;
  alg: TestKeyAlgorithm;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function newKey(alg: TestKeyAlgorithm): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(
    alg,
    alg === 'EdDSA' ? { crv: 'Ed25519' } : {},
  );
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

/**
 * A local stand-in for the users service's token issuing: a real Ed25519 (or P-256) key, a real JWKS over
 * HTTP on 127.0.0.1, real signed tokens. A service's tests need no users service:
 * `const issuer = await createTestIssuer(); register(authPlugin, { jwksUrl: issuer.jwksUrl, ... })`.
 */
export async function createTestIssuer(
  options: { issuer?: string; audience?: string; algorithm?: TestKeyAlgorithm } = {},
): Promise<TestIssuer> {
  const algorithm = options.algorithm ?? 'EdDSA';
  const keys = new Map<string, TestKey>();
  const first = await newKey(algorithm);
  keys.set(first.kid, first);
  let current = first;
  let requests = 0;

  const server: Server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    requests += 1;
    const body = JSON.stringify({ keys: [...keys.values()].map((k) => k.publicJwk) });
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  const audience = options.audience ?? DEFAULT_AUDIENCE;

  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    get currentKid() {
      return current.kid;
    },
    get jwksRequests() {
      return requests;
    },
    async sign(claims) {
      const key = claims.kid ? keys.get(claims.kid) : current;
      if (!key) throw new Error(`test issuer: no key ${claims.kid}`);
      const now = Math.floor(Date.now() / 1000);
      const roles = claims.roles === null ? {} : { roles: claims.roles ?? ['customer'] };
      return new SignJWT({ ...claims.extra, ...roles })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: claims.type ?? ACCESS_TOKEN_TYPE })
        .setSubject(claims.sub)
        .setIssuer(claims.issuer ?? issuer)
        .setAudience(claims.audience ?? audience)
        .setIssuedAt(now)
        .setExpirationTime(now + (claims.expiresInSeconds ?? 900))
        .setJti(randomUUID())
        .sign(key.privateKey);
    },
    async rotate(next = algorithm) {
      current = await newKey(next);
      keys.set(current.kid, current);
      return current.kid;
    },
    removeKey(kid) {
      keys.delete(kid);
    },
    jwks: () => ({ keys: [...keys.values()].map((k) => k.publicJwk) }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
