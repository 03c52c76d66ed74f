import { ensureAdmin } from '../src/domain/admin-bootstrap.js';
import { newAccount, startUsersApp, type UsersTestApp } from './helpers.js';

describe('admin bootstrap', () => {
  let t: UsersTestApp;
  beforeAll(async () => {
    t = await startUsersApp('users_admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('when no admin exists, then the configured one is created once, even when started twice at once', async () => {
    const admin = { email: ' Admin@Bazaar.Local ', password: 'bazaar-admin' };
    const results = await Promise.all([
      ensureAdmin(t.context, admin),
      ensureAdmin(t.context, admin),
    ]);
    expect(results.sort()).toEqual(['created', 'exists']);
    const rows = await t.database.db.selectFrom('users').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'admin@bazaar.local', roles: ['admin'] });
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'admin@bazaar.local', password: 'bazaar-admin' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.roles).toEqual(['admin']);
  });

  it('when an admin exists, then another configured email creates nothing', async () => {
    expect(
      await ensureAdmin(t.context, {
        email: 'new@example.com',
        password: 'another password',
      }),
    ).toBe('exists');
  });

  it('when the admin email belongs to a customer, then it is never promoted', async () => {
    const other = await startUsersApp('users_admin_taken');
    try {
      const account = newAccount();
      await other.app.inject({ method: 'POST', url: '/v1/auth/register', payload: account });
      await expect(
        ensureAdmin(other.context, { email: account.email, password: 'admin password 1' }),
      ).rejects.toThrow(/not an admin/);
      const row = await other.database.db
        .selectFrom('users')
        .select('roles')
        .where('email', '=', account.email)
        .executeTakeFirstOrThrow();
      expect(row.roles).toEqual(['customer']);
    } finally {
      await other.close();
    }
  });

  it('when the admin password is too short, then bootstrap refuses', async () => {
    await expect(
      ensureAdmin(t.context, { email: 'a@example.com', password: 'short' }),
    ).rejects.toMatchObject({ code: 'USERS_WEAK_PASSWORD' });
  });
});
