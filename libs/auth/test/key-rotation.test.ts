import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet } from 'jose';
import { eventually } from '@bazaar/service-kit/testing';
import { createTokenVerifier, JwksCache } from '../src/index.js';
import { createTestIssuer, type TestIssuer } from '../src/testing.js';
import { bearer, buildGuardedApp } from './helpers.js';

const USER = '01900000-0000-7000-8000-000000000002';

describe('keys from the JWKS', () => {
  let issuer: TestIssuer;
  beforeEach(async () => {
    issuer = await createTestIssuer();
  });
  afterEach(async () => {
    await issuer.close();
  });

  it('when the issuer rotates its key, then new tokens verify without restarting the app', async () => {
    const app = await buildGuardedApp({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksCooldownMs: 0,
    });
    try {
      const before = await issuer.sign({ sub: USER });
      expect((await app.inject({ url: '/v1/me', headers: bearer(before) })).statusCode).toBe(200);
      await issuer.rotate();
      const after = await issuer.sign({ sub: USER });
      expect((await app.inject({ url: '/v1/me', headers: bearer(after) })).statusCode).toBe(200);
      // The old key stays published until its tokens expire: they still verify.
      expect((await app.inject({ url: '/v1/me', headers: bearer(before) })).statusCode).toBe(200);
      expect(issuer.jwksRequests).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('when a key is removed from the JWKS, then its tokens stop verifying once the cache ages', async () => {
    const app = await buildGuardedApp({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksMaxAgeMs: 200,
      jwksCooldownMs: 0,
    });
    try {
      const oldKid = issuer.currentKid;
      const old = await issuer.sign({ sub: USER });
      expect((await app.inject({ url: '/v1/me', headers: bearer(old) })).statusCode).toBe(200);
      await issuer.rotate();
      issuer.removeKey(oldKid);
      await eventually(
        async () => (await app.inject({ url: '/v1/me', headers: bearer(old) })).statusCode === 401,
      );
      const fresh = await issuer.sign({ sub: USER });
      expect((await app.inject({ url: '/v1/me', headers: bearer(fresh) })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('when tokens name unknown kids in a burst, then the JWKS is fetched again at most once per cooldown', async () => {
    const verifier = createTokenVerifier({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    await verifier.verify(await issuer.sign({ sub: USER }));
    const stranger = await createTestIssuer();
    try {
      const forged = await stranger.sign({ sub: USER });
      for (let i = 0; i < 20; i += 1) {
        await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401 });
      }
      expect(issuer.jwksRequests).toBe(1);
    } finally {
      await stranger.close();
    }
  });

  it('when the JWKS cannot be reached and no keys are known, then 503 with Retry-After', async () => {
    const app = await buildGuardedApp({
      jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    try {
      const response = await app.inject({
        url: '/v1/me',
        headers: bearer(await issuer.sign({ sub: USER })),
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ code: 'AUTH_KEYS_UNAVAILABLE' });
    } finally {
      await app.close();
    }
  });

  it('when the JWKS answers with an error status, then keys are unavailable', async () => {
    const server = createServer((_request, response) => response.writeHead(500).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const errors: unknown[] = [];
    const verifier = createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
      issuer: issuer.issuer,
      audience: issuer.audience,
      onJwksError: (error) => errors.push(error),
    });
    try {
      await expect(verifier.verify(await issuer.sign({ sub: USER }))).rejects.toMatchObject({
        status: 503,
      });
      expect(String(errors[0])).toMatch(/500/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('when the issuer goes away after keys were fetched, then the last good keys still serve', async () => {
    const errors: unknown[] = [];
    const verifier = createTokenVerifier({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksMaxAgeMs: 50,
      jwksCooldownMs: 0,
      onJwksError: (error) => errors.push(error),
    });
    const token = await issuer.sign({ sub: USER });
    await verifier.verify(token);
    await issuer.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: USER });
    expect(errors.length).toBeGreaterThan(0);
    issuer = await createTestIssuer();
  });

  it('when stale keys are older than allowed and the issuer is away, then 503', async () => {
    const verifier = createTokenVerifier({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksMaxAgeMs: 10,
      jwksMaxStaleMs: 20,
      jwksCooldownMs: 0,
    });
    const token = await issuer.sign({ sub: USER });
    await verifier.verify(token);
    await issuer.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 503 });
    issuer = await createTestIssuer();
  });

  it('when only ES256 is accepted, then an EdDSA token is refused', async () => {
    const verifier = createTokenVerifier({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms: ['ES256'],
    });
    await expect(verifier.verify(await issuer.sign({ sub: USER }))).rejects.toMatchObject({
      status: 401,
      detail: "the token's algorithm is not accepted",
    });
  });

  it('when keys are given as a resolver, then no JWKS is fetched', async () => {
    const verifier = createTokenVerifier({
      keys: createLocalJWKSet(issuer.jwks()),
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    await expect(verifier.verify(await issuer.sign({ sub: USER }))).resolves.toMatchObject({
      id: USER,
    });
    expect(issuer.jwksRequests).toBe(0);
  });

  it('when neither a JWKS URL nor keys are given, then creating a verifier fails', () => {
    expect(() => createTokenVerifier({ issuer: 'i', audience: 'a' })).toThrow(/jwksUrl or keys/);
  });

  it('when the test issuer is asked for a key it does not publish, then signing fails', async () => {
    await expect(issuer.sign({ sub: USER, kid: 'nope' })).rejects.toThrow(/no key/);
  });

  it('when the JWKS server is asked another path, then 404', async () => {
    const response = await fetch(issuer.jwksUrl.replace('jwks.json', 'other'));
    expect(response.status).toBe(404);
  });

  it('when many requests race an empty cache, then one fetch serves them all', async () => {
    const cache = new JwksCache({ url: issuer.jwksUrl });
    const verifier = createTokenVerifier({
      keys: cache.getKey,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    const token = await issuer.sign({ sub: USER });
    await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token)));
    expect(cache.fetches).toBe(1);
  });
});
