import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import type { App } from '@bazaar/service-kit';
import { createTestIssuer, type TestIssuer } from '../src/testing.js';
import { bearer, buildGuardedApp } from './helpers.js';

const USER = '01900000-0000-7000-8000-000000000001';

describe('authPlugin', () => {
  let issuer: TestIssuer;
  let app: App;
  const lines: string[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await buildGuardedApp(
      { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience },
      { write: (line) => void lines.push(line) },
    );
  });
  afterAll(async () => {
    await app.close();
    await issuer.close();
  });

  const get = (token?: string) =>
    app.inject({ url: '/v1/me', headers: token ? bearer(token) : {} });

  async function expectUnauthorized(token: string, detail: RegExp) {
    const response = await get(token);
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, code: 'AUTH_UNAUTHENTICATED' });
    expect(response.json().detail).toMatch(detail);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="bazaar", error="invalid_token"/,
    );
  }

  it('when a valid customer token is sent, then the route sees the user', async () => {
    const response = await get(await issuer.sign({ sub: USER }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: USER, roles: ['customer'] });
  });

  it('when no token is sent, then 401 problem+json asks for a bearer token', async () => {
    const response = await get();
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="bazaar"');
    expect(response.json()).toMatchObject({ code: 'AUTH_UNAUTHENTICATED', title: 'Unauthorized' });
  });

  it('when the authorization header is not a bearer token, then 401', async () => {
    const response = await app.inject({
      url: '/v1/me',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toMatch(/not a bearer token/);
  });

  it('when the token is not a JWS at all, then 401', async () => {
    await expectUnauthorized('not-a-token', /malformed/);
    await expectUnauthorized('a.b.c', /malformed/);
  });

  it('when the token is unsigned (alg none), then 401', async () => {
    const token = new UnsecuredJWT({ roles: ['admin'] })
      .setSubject(USER)
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode();
    await expectUnauthorized(token, /algorithm|malformed/);
  });

  it('when the signature is wrong (another key under a published kid), then 401', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: issuer.currentKid, typ: 'at+jwt' })
      .setSubject(USER)
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    await expectUnauthorized(token, /signature/);
  });

  it('when a token is tampered with after signing, then 401', async () => {
    const [header, , signature] = (await issuer.sign({ sub: USER })).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: USER, roles: ['admin'], iss: issuer.issuer, aud: issuer.audience }),
    ).toString('base64url');
    await expectUnauthorized(`${header}.${forged}.${signature}`, /signature/);
  });

  it('when the token is HS256 signed with the public key, then 401', async () => {
    const publicJwk = issuer.jwks().keys[0];
    for (const secret of [JSON.stringify(publicJwk), publicJwk.x!]) {
      const token = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: issuer.currentKid, typ: 'at+jwt' })
        .setSubject(USER)
        .setIssuer(issuer.issuer)
        .setAudience(issuer.audience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(secret));
      await expectUnauthorized(token, /algorithm/);
    }
  });

  it('when the token has expired, then 401', async () => {
    await expectUnauthorized(await issuer.sign({ sub: USER, expiresInSeconds: -60 }), /expired/);
  });

  it('when the audience is another one, then 401', async () => {
    await expectUnauthorized(await issuer.sign({ sub: USER, audience: 'other' }), /aud/);
  });

  it('when the issuer is another one, then 401', async () => {
    await expectUnauthorized(await issuer.sign({ sub: USER, issuer: 'evil' }), /iss/);
  });

  it('when the token names an unknown kid, then 401', async () => {
    const other = await createTestIssuer();
    try {
      await expectUnauthorized(await other.sign({ sub: USER }), /unknown key/);
    } finally {
      await other.close();
    }
  });

  it('when the token carries no roles claim, then 401', async () => {
    await expectUnauthorized(await issuer.sign({ sub: USER, roles: null }), /roles/);
  });

  it('when the token is not an access token (typ), then 401', async () => {
    await expectUnauthorized(await issuer.sign({ sub: USER, type: 'JWT' }), /typ/);
  });

  it('when unknown roles are in the token, then they are ignored', async () => {
    const token = await issuer.sign({ sub: USER, roles: ['customer', 'root' as 'admin'] });
    expect((await get(token)).json().roles).toEqual(['customer']);
  });

  it('when a customer calls an admin route, then 403', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/admin/things',
      headers: bearer(await issuer.sign({ sub: USER, roles: ['customer'] })),
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'AUTH_FORBIDDEN', status: 403 });
  });

  it('when an admin calls an admin route, then it runs', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/admin/things',
      headers: bearer(await issuer.sign({ sub: USER, roles: ['admin'] })),
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ by: USER, name: 'x' });
  });

  it('when nobody calls an admin route, then 401 rather than 403', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/admin/things', payload: {} });
    expect(response.statusCode).toBe(401);
  });

  it('when a token is checked outside a route, then verifyAccessToken gives the user', async () => {
    const token = await issuer.sign({ sub: USER, roles: ['admin'] });
    await expect(app.verifyAccessToken(token)).resolves.toEqual({
      id: USER,
      roles: ['admin'],
      token,
    });
  });

  it('when requests were refused and served, then no token reached the logs', async () => {
    const token = await issuer.sign({ sub: USER });
    await get(token);
    await get(`${token}x`);
    expect(lines.length).toBeGreaterThan(0);
    const signature = token.split('.')[2];
    expect(lines.join('\n')).not.toContain(signature);
  });
});
