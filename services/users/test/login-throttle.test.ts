import { housekeeping } from '../src/domain/housekeeping.js';
import { newAccount, startUsersApp, type UsersTestApp } from './helpers.js';

describe('failed-login throttling', () => {
  let t: UsersTestApp;

  beforeAll(async () => {
    t = await startUsersApp('users_throttle', { LOGIN_MAX_FAILURES_PER_IP: '25' });
  });
  afterAll(async () => {
    await t.close();
  });
  // Backoffs are seconds: time must pass only when a test says so, however loaded the machine.
  beforeEach(() => t.clock.freeze());
  afterEach(() => t.clock.reset());

  const login = (email: string, password: string, ip: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password },
      remoteAddress: ip,
    });

  async function registered() {
    const account = newAccount();
    await t.app.inject({ method: 'POST', url: '/v1/auth/register', payload: account });
    return account;
  }

  it('when 50 wrong passwords for one account arrive at once, then only the 10 free attempts are checked and the rest get 429', async () => {
    const account = await registered();
    // From 50 addresses: the account's own count is what must hold, not an address's.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        login(account.email, `concurrent wrong ${i}`, `10.0.9.${i + 1}`),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    const counted = await t.database.db
      .selectFrom('login_failures')
      .select('failures')
      .where('key', '=', `account:${account.email}`)
      .executeTakeFirstOrThrow();
    expect(counted.failures).toBe(10);
  });

  it('when an account is being guessed at, then its owner gets in after a backoff delay, not after the window', async () => {
    const account = await registered();
    for (let i = 0; i < 10; i += 1) {
      expect((await login(account.email, `guessing ${i}`, '10.0.6.1')).statusCode).toBe(401);
    }
    // The 11th attempt waits 1 s; each further failure doubles the wait.
    const first = await login(account.email, account.password, '10.0.6.2');
    expect(first.statusCode).toBe(429);
    expect(first.headers['retry-after']).toBe('1');
    t.clock.advance(1000);
    expect((await login(account.email, 'guessing again', '10.0.6.1')).statusCode).toBe(401);
    const second = await login(account.email, account.password, '10.0.6.2');
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('2');
    t.clock.advance(2000);
    expect((await login(account.email, account.password, '10.0.6.2')).statusCode).toBe(200);
  });

  it('when the owner retries during the backoff, then the refused retries do not use up their address', async () => {
    const account = await registered();
    for (let i = 0; i < 10; i += 1) await login(account.email, `someone else ${i}`, '10.0.10.1');
    // 30 impatient retries, all refused by the account's backoff (the address limit here is 25).
    for (let i = 0; i < 30; i += 1) {
      expect((await login(account.email, account.password, '10.0.10.2')).statusCode).toBe(429);
    }
    t.clock.advance(1000);
    expect((await login(account.email, account.password, '10.0.10.2')).statusCode).toBe(200);
  });

  it('when an account has 10 failed logins in the window, then the 11th gets 429 with Retry-After', async () => {
    const account = await registered();
    for (let i = 0; i < 10; i += 1) {
      expect((await login(account.email, `wrong password ${i}`, '10.0.0.1')).statusCode).toBe(401);
    }
    const eleventh = await login(account.email, 'wrong password 11', '10.0.0.1');
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(eleventh.json()).toMatchObject({ code: 'USERS_TOO_MANY_LOGIN_FAILURES', status: 429 });
    const retryAfter = Number(eleventh.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Even the right password, from elsewhere, waits: the account is what is being guessed.
    expect((await login(account.email, account.password, '10.0.0.2')).statusCode).toBe(429);
  });

  it('when the window has passed, then the account may log in again', async () => {
    const account = await registered();
    for (let i = 0; i < 10; i += 1) await login(account.email, `nope nope ${i}`, '10.0.1.1');
    expect((await login(account.email, account.password, '10.0.1.1')).statusCode).toBe(429);
    t.clock.advance(901 * 1000);
    expect((await login(account.email, account.password, '10.0.1.1')).statusCode).toBe(200);
  });

  it('when an unknown email is guessed at, then it is throttled the same way', async () => {
    const email = `ghost.${Date.now()}@example.com`;
    for (let i = 0; i < 10; i += 1) {
      expect((await login(email, `guess number ${i}`, '10.0.2.1')).statusCode).toBe(401);
    }
    expect((await login(email, 'guess number 11', '10.0.2.1')).statusCode).toBe(429);
  });

  it('when one address fails across many accounts, then the address is throttled', async () => {
    for (let i = 0; i < 25; i += 1) {
      expect(
        (await login(`spray${i}.${Date.now()}@example.com`, 'Password123', '10.0.3.1')).statusCode,
      ).toBe(401);
    }
    const account = await registered();
    const blocked = await login(account.email, account.password, '10.0.3.1');
    expect(blocked.statusCode).toBe(429);
    // Another address is not affected.
    expect((await login(account.email, account.password, '10.0.3.2')).statusCode).toBe(200);
  });

  it('when a login succeeds, then the account count starts again', async () => {
    const account = await registered();
    for (let i = 0; i < 9; i += 1) await login(account.email, `wrong again ${i}`, '10.0.4.1');
    expect((await login(account.email, account.password, '10.0.4.1')).statusCode).toBe(200);
    for (let i = 0; i < 9; i += 1) {
      expect((await login(account.email, `wrong again ${i}`, '10.0.4.2')).statusCode).toBe(401);
    }
  });

  it('when the storefront forwards the client address, then that address is counted', async () => {
    const account = await registered();
    for (let i = 0; i < 10; i += 1) {
      await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: account.email, password: `forwarded ${i}` },
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
    }
    const counted = await t.database.db
      .selectFrom('login_failures')
      .select('failures')
      .where('key', '=', 'ip:203.0.113.9')
      .executeTakeFirstOrThrow();
    expect(counted.failures).toBe(10);
  });

  it('when an address registers taken emails, then each counts as a failed attempt and the address is throttled like a login', async () => {
    const account = await registered();
    const register = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/auth/register',
        payload: { ...newAccount(), email },
        remoteAddress: '10.0.7.1',
      });
    for (let i = 0; i < 25; i += 1) expect((await register(account.email)).statusCode).toBe(409);
    const probe = await register(account.email);
    expect(probe.statusCode).toBe(429);
    expect(Number(probe.headers['retry-after'])).toBeGreaterThan(0);
    // Login from that address is throttled by the same count: one budget for learning emails.
    expect((await login(account.email, account.password, '10.0.7.1')).statusCode).toBe(429);
    expect((await login(account.email, account.password, '10.0.7.2')).statusCode).toBe(200);
  });

  it('when a new account registers, then its address gets the attempt back', async () => {
    for (let i = 0; i < 30; i += 1) {
      const fresh = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/register',
        payload: newAccount(),
        remoteAddress: '10.0.8.1',
      });
      expect(fresh.statusCode).toBe(201);
    }
  });

  it('when housekeeping runs after the window, then old counters are gone', async () => {
    await login(`old.${Date.now()}@example.com`, 'whatever12', '10.0.5.1');
    t.clock.advance(901 * 1000);
    await housekeeping(t.context);
    const left = await t.database.db
      .selectFrom('login_failures')
      .select('key')
      .where('key', '=', 'ip:10.0.5.1')
      .execute();
    expect(left).toEqual([]);
  });
});
