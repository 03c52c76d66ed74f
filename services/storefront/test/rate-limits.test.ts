import { startHarness, type Harness } from './fixtures/storefront.js';

const SHOPPER_A = '01936f5e-0000-7000-8000-00000000000a';
const SHOPPER_B = '01936f5e-0000-7000-8000-00000000000b';
const page = { items: [], nextCursor: null };

describe('storefront rate limits', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      BAZAAR_RATE_LIMITS: 'on',
      RATE_LIMIT_IP_PER_MINUTE: '8',
      RATE_LIMIT_AUTH_PER_MINUTE: '2',
      RATE_LIMIT_USER_PER_MINUTE: '3',
    });
    h.fakes.catalog.reply('GET /v1/products', 200, page);
    h.fakes.orders.reply('GET /v1/orders', 200, page);
    h.fakes.users.reply('POST /v1/auth/login', 401, { status: 401, title: 'Invalid credentials' });
  });
  afterAll(() => h.close());

  const from = (ip: string) => ({ remoteAddress: ip });

  it('when one IP goes over its limit, then 429 problem+json with Retry-After and RateLimit headers', async () => {
    const answers = [];
    for (let i = 0; i < 9; i++) {
      answers.push(await h.app.inject({ url: '/v1/products', ...from('10.0.0.1') }));
    }
    expect(answers.slice(0, 8).every((r) => r.statusCode === 200)).toBe(true);
    expect(answers[0].headers['ratelimit-limit']).toBe('8');
    expect(answers[0].headers['ratelimit-remaining']).toBe('7');
    expect(answers[0].headers['ratelimit-policy']).toBe('8;w=60');
    const limited = answers[8];
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.json()).toMatchObject({ status: 429, code: 'STOREFRONT_RATE_LIMITED' });

    const otherIp = await h.app.inject({ url: '/v1/products', ...from('10.0.0.2') });
    expect(otherIp.statusCode).toBe(200);
  });

  it('when auth routes are hit from one IP, then their stricter shared limit applies', async () => {
    const ip = from('10.0.0.3');
    const body = { email: 'a@example.com', password: 'guess' };
    const first = await h.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: body,
      ...ip,
    });
    const second = await h.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: body,
      ...ip,
    });
    const third = await h.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: 'x' },
      ...ip,
    });
    expect([first.statusCode, second.statusCode]).toEqual([401, 401]);
    expect(second.headers['ratelimit-limit']).toBe('2');
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('when one shopper goes over their limit from many IPs, then 429; another shopper is unaffected', async () => {
    const a = await h.bearer(SHOPPER_A);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const r = await h.app.inject({
        url: '/v1/orders',
        headers: { authorization: a },
        ...from(`10.1.0.${i}`),
      });
      statuses.push(r.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const b = await h.app.inject({
      url: '/v1/orders',
      headers: { authorization: await h.bearer(SHOPPER_B) },
      ...from('10.1.0.9'),
    });
    expect(b.statusCode).toBe(200);
    expect(b.headers['ratelimit-limit']).toBe('3');
  });
});

describe('storefront rate limits switched off', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      BAZAAR_RATE_LIMITS: 'off',
      RATE_LIMIT_IP_PER_MINUTE: '1',
    });
    h.fakes.catalog.reply('GET /v1/products', 200, page);
  });
  afterAll(() => h.close());

  it('when BAZAAR_RATE_LIMITS=off, then no request is limited and no headers are sent', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await h.app.inject({ url: '/v1/products' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('storefront behind a trusted proxy', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      BAZAAR_RATE_LIMITS: 'on',
      RATE_LIMIT_IP_PER_MINUTE: '1',
      TRUST_PROXY: '127.0.0.1',
    });
    h.fakes.catalog.reply('GET /v1/products', 200, page);
  });
  afterAll(() => h.close());

  it('when TRUST_PROXY names the ingress, then clients are told apart by X-Forwarded-For', async () => {
    const ask = (client: string) =>
      h.app.inject({
        url: '/v1/products',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': client },
      });
    expect((await ask('203.0.113.1')).statusCode).toBe(200);
    expect((await ask('203.0.113.2')).statusCode).toBe(200);
    expect((await ask('203.0.113.1')).statusCode).toBe(429);
  });
});
