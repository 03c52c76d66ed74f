import { authPlugin } from '@bazaar/auth';
import { createApp, type App } from '@bazaar/service-kit';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import type { AddressInfo } from 'node:net';
import { housekeeping } from '../src/domain/housekeeping.js';
import { eventually } from '@bazaar/service-kit/testing';
import { bearer, newAccount, startUsersApp, type UsersTestApp } from './helpers.js';

/**
 * Another Bazaar service (as orders or catalog would be) verifying the users service's tokens
 * through @bazaar/auth, against the users service's JWKS over real HTTP.
 */
async function verifyingService(jwksUrl: string): Promise<App> {
  const app = await createApp({ name: 'verifier', version: '0.0.0', logLevel: 'silent' });
  await app.register(authPlugin, {
    jwksUrl,
    issuer: 'bazaar-users',
    audience: 'bazaar',
    jwksCooldownMs: 0,
    jwksMaxAgeMs: 100,
  });
  app.get('/v1/orders', { preHandler: app.requireUser }, async (request) => ({
    userId: request.user!.id,
  }));
  app.get('/v1/admin/orders', { preHandler: app.requireRole('admin') }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

const HOUR = 3600 * 1000;

describe('tokens of the users service checked by another service', () => {
  let users: UsersTestApp;
  let service: App;
  let customerToken: string;
  let userId: string;

  beforeAll(async () => {
    users = await startUsersApp('users_tokens', { JWT_KEY_PUBLISH_DELAY_SECONDS: '60' });
    await users.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = users.app.server.address() as AddressInfo;
    service = await verifyingService(`http://127.0.0.1:${port}/.well-known/jwks.json`);
    const registered = await users.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: newAccount(),
    });
    customerToken = registered.json().accessToken;
    userId = registered.json().user.id;
  });
  afterAll(async () => {
    await service.close();
    await users.close();
  });

  const call = (token: string, url = '/v1/orders') =>
    service.inject({ url, headers: bearer(token) });

  /** A token signed by the users service's real current key, with claims as given. */
  async function signWithRealKey(
    claims: Record<string, unknown>,
    build?: (jwt: SignJWT) => SignJWT,
  ) {
    const key = users.context.keys.signer(new Date());
    const now = Math.floor(Date.now() / 1000);
    let jwt = new SignJWT({ roles: ['customer'], ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setSubject(userId)
      .setIssuer('bazaar-users')
      .setAudience('bazaar')
      .setIssuedAt(now)
      .setExpirationTime(now + 600);
    if (build) jwt = build(jwt);
    return jwt.sign(key.privateKey);
  }

  /** A token with the users service's claims, signed under `header` with a key it never gave out. */
  function forge(
    roles: string[],
    header: { alg: string; kid: string },
    key: Parameters<SignJWT['sign']>[0],
  ) {
    return new SignJWT({ roles })
      .setProtectedHeader({ ...header, typ: 'at+jwt' })
      .setSubject(userId)
      .setIssuer('bazaar-users')
      .setAudience('bazaar')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
  }

  async function expect401(token: string) {
    const response = await call(token);
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('AUTH_UNAUTHENTICATED');
  }

  it('when a shopper token is sent, then the other service knows the user', async () => {
    const response = await call(customerToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ userId });
  });

  it('when the token is unsigned (alg none), then 401', async () => {
    const token = new UnsecuredJWT({ roles: ['admin'] })
      .setSubject(userId)
      .setIssuer('bazaar-users')
      .setAudience('bazaar')
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode();
    await expect401(token);
    // Also with the header claiming a real kid.
    const [, payload] = token.split('.');
    const header = Buffer.from(
      JSON.stringify({ alg: 'none', kid: users.context.keys.signer(new Date()).kid }),
    ).toString('base64url');
    await expect401(`${header}.${payload}.`);
  });

  it('when the signature is wrong, then 401', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = users.context.keys.signer(new Date()).kid;
    await expect401(await forge(['admin'], { alg: 'EdDSA', kid }, privateKey));
    const [h, , s] = customerToken.split('.');
    const elevated = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(customerToken.split('.')[1], 'base64url').toString()),
        roles: ['admin'],
      }),
    ).toString('base64url');
    await expect401(`${h}.${elevated}.${s}`);
  });

  it('when the token is HS256 signed with the public key, then 401', async () => {
    const jwks = (await users.app.inject({ url: '/.well-known/jwks.json' })).json();
    const publicJwk = jwks.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    await expect401(await forge(['admin'], { alg: 'HS256', kid: publicJwk.kid }, secret));
  });

  it('when the token has expired, then 401', async () => {
    users.clock.advance(-16 * 60 * 1000);
    try {
      const login = await users.app.inject({
        method: 'POST',
        url: '/v1/auth/register',
        payload: newAccount(),
      });
      await expect401(login.json().accessToken);
    } finally {
      users.clock.reset();
    }
  });

  it('when the audience is wrong, then 401', async () => {
    await expect401(await signWithRealKey({}, (jwt) => jwt.setAudience('another-system')));
  });

  it('when the issuer is wrong, then 401', async () => {
    await expect401(await signWithRealKey({}, (jwt) => jwt.setIssuer('someone-else')));
  });

  it('when the token names an unknown kid, then 401', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = 'not-a-published-kid';
    await expect401(await forge(['customer'], { alg: 'EdDSA', kid }, privateKey));
  });

  it('when a customer token is sent to an admin route, then 403', async () => {
    const response = await call(customerToken, '/v1/admin/orders');
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('AUTH_FORBIDDEN');
  });

  it('when the bootstrapped admin logs in, then the admin route opens', async () => {
    const { ensureAdmin } = await import('../src/domain/admin-bootstrap.js');
    await ensureAdmin(users.context, {
      email: 'root@example.com',
      password: 'admin password 1',
    });
    const login = await users.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'root@example.com', password: 'admin password 1' },
    });
    expect(login.json().user.roles).toEqual(['admin']);
    expect((await call(login.json().accessToken, '/v1/admin/orders')).statusCode).toBe(200);
  });

  it('when a customer asks to rotate keys, then 403', async () => {
    const customer = await users.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: newAccount(),
    });
    const response = await users.app.inject({
      method: 'POST',
      url: '/internal/keys/rotate',
      headers: bearer(customer.json().accessToken),
    });
    expect(response.statusCode).toBe(403);
  });
  it('when keys rotate, then new tokens verify without a restart, and a removed key’s tokens stop', async () => {
    const ctx = users.context;
    const oldKid = ctx.keys.signer(ctx.now()).kid;
    const oldToken = customerToken;
    expect((await call(oldToken)).statusCode).toBe(200);

    const admin = await users.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'root@example.com', password: 'admin password 1' },
    });
    const rotated = await users.app.inject({
      method: 'POST',
      url: '/internal/keys/rotate',
      headers: bearer(admin.json().accessToken),
    });
    expect(rotated.statusCode).toBe(200);
    const newKid = rotated.json().kid;
    expect(rotated.json().publishedKids).toEqual([oldKid, newKid]);

    // Published first, signing only after the publish delay (60 s here).
    const during = await users.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: newAccount(),
    });
    expect(
      JSON.parse(Buffer.from(during.json().accessToken.split('.')[0], 'base64url').toString()).kid,
    ).toBe(oldKid);

    users.clock.advance(61 * 1000);
    const after = await users.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: newAccount(),
    });
    const newToken = after.json().accessToken;
    expect(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url').toString()).kid).toBe(
      newKid,
    );
    expect((await call(newToken)).statusCode).toBe(200);
    // The old key stays published until its tokens have expired.
    expect((await call(oldToken)).statusCode).toBe(200);

    // Once every token of the old key has expired, housekeeping removes it.
    users.clock.advance(HOUR);
    await housekeeping(users.context);
    const jwks = (await users.app.inject({ url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([newKid]);
    // Verifiers notice once their cached key set is refreshed.
    await eventually(async () => (await call(oldToken)).statusCode === 401, {
      what: 'tokens of the removed key to be refused',
    });
    expect((await call(newToken)).statusCode).toBe(200);
    users.clock.reset();
  });
});
