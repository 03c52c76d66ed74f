import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createTokenVerifier, type AccessTokenAlgorithm } from '../src/index.js';
import { createTestIssuer } from '../src/testing.js';
import { bearer, buildGuardedApp } from './helpers.js';

const USER = '01900000-0000-7000-8000-000000000003';

/** A key set served over HTTP exactly as given (a misconfigured or hostile issuer). */
async function serveJwks(jwks: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the algorithms a verifier accepts', () => {
  it('when the issuer signs with ES256, then its tokens verify with no algorithm configured', async () => {
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    const app = await buildGuardedApp({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    try {
      const token = await issuer.sign({ sub: USER });
      const response = await app.inject({ url: '/v1/me', headers: bearer(token) });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ id: USER, roles: ['customer'] });
    } finally {
      await app.close();
      await issuer.close();
    }
  });

  it('when the key set holds an EdDSA and an ES256 key (moving from one to the other), then tokens of both verify', async () => {
    const issuer = await createTestIssuer({ algorithm: 'EdDSA' });
    const app = await buildGuardedApp({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksCooldownMs: 0,
    });
    try {
      const eddsa = await issuer.sign({ sub: USER });
      await issuer.rotate('ES256');
      const es256 = await issuer.sign({ sub: USER });
      for (const token of [eddsa, es256]) {
        expect((await app.inject({ url: '/v1/me', headers: bearer(token) })).statusCode).toBe(200);
      }
    } finally {
      await app.close();
      await issuer.close();
    }
  });

  it('when the key set publishes an HMAC key, then a token signed with it is refused', async () => {
    const secret = new Uint8Array(32).fill(7);
    const jwks = await serveJwks({
      keys: [
        { kty: 'oct', kid: 'shared', alg: 'HS256', k: Buffer.from(secret).toString('base64url') },
      ],
    });
    const verifier = createTokenVerifier({ jwksUrl: jwks.url, issuer: 'i', audience: 'a' });
    try {
      const token = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: 'shared', typ: 'at+jwt' })
        .setSubject(USER)
        .setIssuer('i')
        .setAudience('a')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);
      await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401 });
      const unsecured = new UnsecuredJWT({ roles: ['admin'] })
        .setSubject(USER)
        .setIssuer('i')
        .setAudience('a')
        .setIssuedAt()
        .setExpirationTime('5m')
        .encode();
      await expect(verifier.verify(unsecured)).rejects.toMatchObject({ status: 401 });
    } finally {
      await jwks.close();
    }
  });

  it('when a token names an ES256 key but says EdDSA, then it is refused', async () => {
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    const verifier = createTokenVerifier({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    try {
      const token = await issuer.sign({ sub: USER });
      const [, payload, signature] = token.split('.');
      const header = Buffer.from(
        JSON.stringify({ alg: 'EdDSA', kid: issuer.currentKid, typ: 'at+jwt' }),
      ).toString('base64url');
      await expect(verifier.verify(`${header}.${payload}.${signature}`)).rejects.toMatchObject({
        status: 401,
      });
    } finally {
      await issuer.close();
    }
  });

  it.each(['none', 'HS256', 'RS256'])(
    'when a verifier is configured to accept %s, then creating it fails',
    (algorithm) => {
      expect(() =>
        createTokenVerifier({
          jwksUrl: 'http://127.0.0.1:1/.well-known/jwks.json',
          issuer: 'i',
          audience: 'a',
          algorithms: [algorithm as AccessTokenAlgorithm],
        }),
      ).toThrow(/EdDSA, ES256/);
    },
  );
});
