import { parsePhc } from '../src/domain/password-hasher.js';
import { newAccount, startUsersApp, type UsersTestApp } from './helpers.js';

describe('stored passwords', () => {
  let t: UsersTestApp;

  beforeAll(async () => {
    t = await startUsersApp('users_passwords');
  });
  afterAll(async () => {
    await t.close();
  });

  const hashOf = async (email: string) =>
    (
      await t.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).password_hash;

  it('when a shopper registers, then the stored hash is argon2id with 19 MiB and 2 iterations', async () => {
    const account = newAccount();
    await t.app.inject({ method: 'POST', url: '/v1/auth/register', payload: account });
    const stored = await hashOf(account.email);
    expect(stored).toMatch(/^\$argon2id\$v=19\$/);
    expect(parsePhc(stored)).toEqual({
      algorithm: 'argon2id',
      version: 19,
      memoryKib: 19456,
      iterations: 2,
      parallelism: 1,
    });
    expect(stored).not.toContain(account.password);
  });

  it('when the parameters rise, then the hash is upgraded at the next login', async () => {
    const account = newAccount();
    await t.app.inject({ method: 'POST', url: '/v1/auth/register', payload: account });
    const before = await hashOf(account.email);
    const stronger = await startUsersApp(
      'unused',
      { ARGON2_ITERATIONS: '3', ARGON2_MEMORY_KIB: '20480' },
      t.database,
    );
    try {
      const login = await stronger.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: account.email, password: account.password },
      });
      expect(login.statusCode).toBe(200);
      const after = await hashOf(account.email);
      expect(after).not.toBe(before);
      expect(parsePhc(after)).toMatchObject({ memoryKib: 20480, iterations: 3 });
      // And the upgraded hash still opens the account, with either configuration.
      const again = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: account.email, password: account.password },
      });
      expect(again.statusCode).toBe(200);
      // The weaker configuration does not downgrade it.
      expect(await hashOf(account.email)).toBe(after);
    } finally {
      await stronger.close();
    }
  });

  it('when argon2 parameters below OWASP minimums are configured, then the config is refused', async () => {
    const { loadServiceConfig } = await import('../src/config.js');
    expect(() => loadServiceConfig({ ARGON2_MEMORY_KIB: '8192' })).toThrow(/ARGON2_MEMORY_KIB/);
    expect(() => loadServiceConfig({ ARGON2_ITERATIONS: '1' })).toThrow(/ARGON2_ITERATIONS/);
  });
});
