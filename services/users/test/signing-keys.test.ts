import { authPlugin, createTokenVerifier } from '@bazaar/auth';
import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { createApp, type App } from '@bazaar/service-kit';
import { exportJWK, generateKeyPair } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { createDatabaseKeyStore } from '../src/domain/keys/database-key-store.js';
import { createStaticKeyStore } from '../src/domain/keys/static-key-store.js';
import { bearer, decodeJwt, newAccount, startUsersApp } from './helpers.js';

const DAY = 24 * 3600 * 1000;
const SECRET = 'a-long-enough-secret-for-the-signing-keys-0123456789';

const settings = {
  algorithm: 'EdDSA' as const,
  rotationMs: 30 * DAY,
  publishDelayMs: 600_000,
  tokenTtlMs: 900_000,
};

describe('signing keys in the database', () => {
  let database: TestDatabase<Database>;
  beforeAll(async () => {
    database = await createTestDatabase<Database>('users_keys', migrations);
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await database.db.deleteFrom('signing_keys').execute();
  });

  it('when replicas start together on an empty database, then one first key is created', async () => {
    const stores = await Promise.all(
      [1, 2, 3].map(() => createDatabaseKeyStore(database.db, settings)),
    );
    const now = new Date();
    await Promise.all(stores.map((store) => store.maintain(now)));
    const rows = await database.db.selectFrom('signing_keys').select('kid').execute();
    expect(rows).toHaveLength(1);
    for (const store of stores) expect(store.signer(now).kid).toBe(rows[0].kid);
  });

  it('when an encryption secret is set, then private keys are sealed at rest and open again', async () => {
    const store = await createDatabaseKeyStore(database.db, {
      ...settings,
      encryptionSecret: SECRET,
    });
    await store.maintain(new Date());
    const row = await database.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.private_key).toMatch(/^enc:v1:/);
    expect(row.private_key).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(row.public_jwk)).not.toContain('"d"');

    const again = await createDatabaseKeyStore(database.db, {
      ...settings,
      encryptionSecret: SECRET,
    });
    await again.reload();
    expect(again.signer(new Date()).kid).toBe(row.kid);
  });

  it('when sealed keys are opened with another secret or none, then it says so', async () => {
    const store = await createDatabaseKeyStore(database.db, {
      ...settings,
      encryptionSecret: SECRET,
    });
    await store.maintain(new Date());
    const wrong = await createDatabaseKeyStore(database.db, {
      ...settings,
      encryptionSecret: 'another-secret-of-enough-length-0123456789',
    });
    await expect(wrong.reload()).rejects.toThrow(/cannot be decrypted/);
    const none = await createDatabaseKeyStore(database.db, settings);
    await expect(none.reload()).rejects.toThrow(/JWT_KEYS_ENCRYPTION_SECRET is required/);
  });

  it('when a key has signed for the rotation period, then the next is published, then signs after the delay, and the old one goes', async () => {
    const store = await createDatabaseKeyStore(database.db, settings);
    const start = new Date();
    await store.maintain(start);
    const first = store.signer(start).kid;

    const later = new Date(start.getTime() + 30 * DAY + 1000);
    await store.maintain(later);
    const kids = store.jwks().keys.map((k) => k.kid);
    expect(kids).toHaveLength(2);
    expect(store.signer(later).kid).toBe(first); // published, not signing yet
    // Maintaining again before it activates creates nothing more.
    await store.maintain(new Date(later.getTime() + 1000));
    expect(store.jwks().keys).toHaveLength(2);

    const activated = new Date(later.getTime() + 600_000);
    const second = store.signer(activated).kid;
    expect(second).not.toBe(first);
    // Removed once its last token (15 min + margin) has expired.
    await store.maintain(new Date(activated.getTime() + 900_000 + 61_000));
    expect(store.jwks().keys.map((k) => k.kid)).toEqual([second]);
  });

  it('when a rotation is asked while one is pending, then the pending key is kept', async () => {
    const store = await createDatabaseKeyStore(database.db, settings);
    const now = new Date();
    await store.maintain(now);
    const next = await store.rotate(now);
    expect(await store.rotate(now)).toBe(next);
    expect(store.jwks().keys).toHaveLength(2);
  });

  it('when keys were never loaded, then signing fails loudly', async () => {
    const store = await createDatabaseKeyStore(database.db, settings);
    expect(() => store.signer(new Date())).toThrow(/no signing key/);
  });

  it('when another replica rotates, then a token of its new key verifies here after one reload', async () => {
    const here = await createDatabaseKeyStore(database.db, { ...settings, publishDelayMs: 0 });
    const there = await createDatabaseKeyStore(database.db, { ...settings, publishDelayMs: 0 });
    await here.maintain(new Date());
    await there.reload();
    await there.rotate(new Date());
    const { SignJWT } = await import('jose');
    const key = there.signer(new Date());
    const token = await new SignJWT({ roles: ['customer'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setSubject('01900000-0000-7000-8000-000000000009')
      .setIssuer('i')
      .setAudience('a')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
    const verifier = createTokenVerifier({
      keys: here.verificationKeys,
      issuer: 'i',
      audience: 'a',
    });
    await expect(verifier.verify(token)).resolves.toMatchObject({ roles: ['customer'] });
  });
});

describe('signing keys from the deployment (JWT_PRIVATE_KEYS)', () => {
  async function privateJwk(kid: string) {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    return { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
  }

  it('when a JWK set is given, then every key is published and the chosen one signs', async () => {
    const set = JSON.stringify({ keys: [await privateJwk('old'), await privateJwk('new')] });
    const first = await createStaticKeyStore(set, undefined);
    expect(first.signer(new Date()).kid).toBe('old');
    const chosen = await createStaticKeyStore(set, 'new');
    expect(chosen.signer(new Date()).kid).toBe('new');
    const published = chosen.jwks().keys;
    expect(published.map((k) => k.kid)).toEqual(['old', 'new']);
    for (const key of published) expect(key.d).toBeUndefined();
    await chosen.reload();
    await chosen.maintain(new Date());
  });

  it('when a P-256 PEM is given, then tokens are ES256 and verify with ES256 pinned', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const t = await startUsersApp('users_static_keys', { JWT_PRIVATE_KEYS: pem });
    try {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/register',
        payload: newAccount(),
      });
      const { header } = decodeJwt(response.json().accessToken);
      expect(header.alg).toBe('ES256');
      const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
      expect(jwks.keys[0]).toMatchObject({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        kid: header.kid,
      });
      expect(await t.database.db.selectFrom('signing_keys').selectAll().execute()).toEqual([]);
      const verifier = createTokenVerifier({
        keys: t.context.keys.verificationKeys,
        issuer: 'bazaar-users',
        audience: 'bazaar',
        algorithms: ['ES256'],
      });
      await expect(verifier.verify(response.json().accessToken)).resolves.toBeTruthy();
    } finally {
      await t.close();
    }
  });

  it('when the deployment signs with ES256, then users itself and another service (default options) accept its tokens', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const t = await startUsersApp('users_es256_e2e', { JWT_PRIVATE_KEYS: pem });
    let other: App | undefined;
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      other = await createApp({ name: 'verifier', version: '0.0.0', logLevel: 'silent' });
      await other.register(authPlugin, {
        jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        issuer: 'bazaar-users',
        audience: 'bazaar',
      });
      other.get('/v1/orders', { preHandler: other.requireUser }, async (request) => ({
        userId: request.user!.id,
      }));
      await other.ready();

      const registered = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/register',
        payload: newAccount(),
      });
      const { accessToken, user } = registered.json();
      expect(decodeJwt(accessToken).header.alg).toBe('ES256');
      const me = await t.app.inject({ url: '/v1/me', headers: bearer(accessToken) });
      expect(me.statusCode).toBe(200);
      const orders = await other.inject({ url: '/v1/orders', headers: bearer(accessToken) });
      expect(orders.statusCode).toBe(200);
      expect(orders.json()).toEqual({ userId: user.id });
    } finally {
      await other?.close();
      await t.close();
    }
  });

  it('when keys come from the deployment, then an admin asking to rotate gets 409', async () => {
    const t = await startUsersApp('users_static_rotate', {
      JWT_PRIVATE_KEYS: JSON.stringify(await privateJwk('only')),
    });
    try {
      const { ensureAdmin } = await import('../src/domain/admin-bootstrap.js');
      await ensureAdmin(t.context, {
        email: 'ops@example.com',
        password: 'ops password 1',
      });
      const login = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'ops@example.com', password: 'ops password 1' },
      });
      const response = await t.app.inject({
        method: 'POST',
        url: '/internal/keys/rotate',
        headers: bearer(login.json().accessToken),
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('USERS_KEYS_MANAGED_EXTERNALLY');
    } finally {
      await t.close();
    }
  });

  it.each([
    ['not JSON nor PEM', 'hello', /neither a PEM nor JSON/],
    ['an empty set', '{"keys":[]}', /no keys/],
    ['a public key only', 'PUBLIC', /not a usable private key/],
    ['an RSA key', 'RSA', /Ed25519 \(EdDSA\) or P-256/],
    ['a mismatched alg', 'MISMATCH', /does not fit/],
    ['duplicate kids', 'DUPLICATE', /same kid/],
  ])('when JWT_PRIVATE_KEYS is %s, then it is refused', async (_case, source, message) => {
    let value = source;
    if (source === 'PUBLIC') {
      const jwk = await privateJwk('p');
      delete (jwk as { d?: string }).d;
      value = JSON.stringify(jwk);
    }
    if (source === 'RSA') {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      value = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    }
    if (source === 'MISMATCH') value = JSON.stringify({ ...(await privateJwk('m')), alg: 'ES256' });
    if (source === 'DUPLICATE') {
      value = JSON.stringify({ keys: [await privateJwk('same'), await privateJwk('same')] });
    }
    await expect(createStaticKeyStore(value, undefined)).rejects.toThrow(message);
  });

  it('when JWT_SIGNING_KID names no given key, then it is refused', async () => {
    const set = JSON.stringify({ keys: [await privateJwk('a')] });
    await expect(createStaticKeyStore(set, 'b')).rejects.toThrow(/JWT_SIGNING_KID/);
  });

  it('when a key has no kid, then its thumbprint names it', async () => {
    const jwk = await privateJwk('x');
    delete (jwk as { kid?: string }).kid;
    const store = await createStaticKeyStore(JSON.stringify(jwk), undefined);
    expect(store.signer(new Date()).kid).toMatch(/^[\w-]{43}$/);
  });
});
