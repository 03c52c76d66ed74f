import { bearer, newAccount, startUsersApp, type UsersTestApp } from './helpers.js';

const address = {
  name: 'Ann Shopper',
  line1: 'Keizersgracht 1',
  city: 'Amsterdam',
  postalCode: '1015 CJ',
  country: 'nl',
};

describe('profile and addresses', () => {
  let t: UsersTestApp;
  let token: string;
  let otherToken: string;

  async function signUp() {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: newAccount(),
    });
    return response.json().accessToken as string;
  }

  beforeAll(async () => {
    t = await startUsersApp('users_me');
    token = await signUp();
    otherToken = await signUp();
  });
  afterAll(async () => {
    await t.close();
  });

  const req = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    who: string,
    payload?: object,
  ) => t.app.inject({ method, url, headers: bearer(who), ...(payload ? { payload } : {}) });

  it('when nobody is signed in, then /v1/me and addresses are 401', async () => {
    for (const [method, url] of [
      ['GET', '/v1/me'],
      ['PATCH', '/v1/me'],
      ['GET', '/v1/me/addresses'],
      ['POST', '/v1/me/addresses'],
      ['DELETE', '/v1/me/addresses/01900000-0000-7000-8000-000000000000'],
    ] as const) {
      const response = await t.app.inject({
        method,
        url,
        payload: method === 'POST' || method === 'PATCH' ? {} : undefined,
      });
      expect(response.statusCode).toBe(401);
    }
  });

  it('when the name is changed, then the profile shows it', async () => {
    const patched = await req('PATCH', '/v1/me', token, { name: '  Ann B. Shopper ' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().name).toBe('Ann B. Shopper');
    expect((await req('GET', '/v1/me', token)).json().name).toBe('Ann B. Shopper');
  });

  it.each([
    ['an empty patch', {}],
    ['a blank name', { name: ' ' }],
    ['an email change', { email: 'x@example.com' }],
    ['roles', { roles: ['admin'] }],
  ])('when the profile is patched with %s, then 400', async (_case, payload) => {
    const response = await req('PATCH', '/v1/me', token, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VALIDATION_FAILED');
  });

  it('when an address is added, then it is listed, country in upper case', async () => {
    const created = await req('POST', '/v1/me/addresses', token, address);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...address, country: 'NL', id: expect.any(String) });
    expect(created.json().line2).toBeUndefined();
    const list = await req('GET', '/v1/me/addresses', token);
    expect(list.json().items.map((a: { id: string }) => a.id)).toContain(created.json().id);
    expect(list.json().nextCursor).toBeNull();
    // Another user sees none of it.
    expect((await req('GET', '/v1/me/addresses', otherToken)).json()).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('when addresses span pages, then the cursor walks them all once', async () => {
    const shopper = await signUp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const created = await req('POST', '/v1/me/addresses', shopper, {
        ...address,
        line2: `Floor ${i}`,
      });
      ids.push(created.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/me/addresses?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await req('GET', url, shopper)).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a: { id: string }) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it('when the cursor is forged, then 400', async () => {
    const response = await req('GET', '/v1/me/addresses?cursor=not-ours', token);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('USERS_INVALID_CURSOR');
  });

  it('when an address is deleted, then it is gone; deleting it again is 404', async () => {
    const created = (await req('POST', '/v1/me/addresses', token, address)).json();
    expect((await req('DELETE', `/v1/me/addresses/${created.id}`, token)).statusCode).toBe(204);
    const again = await req('DELETE', `/v1/me/addresses/${created.id}`, token);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('USERS_ADDRESS_NOT_FOUND');
  });

  it("when someone deletes another user's address, then 404 and it stays", async () => {
    const created = (await req('POST', '/v1/me/addresses', token, address)).json();
    expect((await req('DELETE', `/v1/me/addresses/${created.id}`, otherToken)).statusCode).toBe(
      404,
    );
    const list = (await req('GET', '/v1/me/addresses?limit=100', token)).json();
    expect(list.items.map((a: { id: string }) => a.id)).toContain(created.id);
  });

  it.each([
    ['no city', { ...address, city: undefined }],
    ['a bad country', { ...address, country: 'NLD' }],
    ['a blank line1', { ...address, line1: '  ' }],
    ['an unknown field', { ...address, phone: '123' }],
  ])('when an address has %s, then 400', async (_case, payload) => {
    const response = await req('POST', '/v1/me/addresses', token, payload);
    expect(response.statusCode).toBe(400);
  });

  it('when the id is not a uuid, then 400; a bad limit too', async () => {
    expect((await req('DELETE', '/v1/me/addresses/42', token)).statusCode).toBe(400);
    expect((await req('GET', '/v1/me/addresses?limit=0', token)).statusCode).toBe(400);
    expect((await req('GET', '/v1/me/addresses?limit=101', token)).statusCode).toBe(400);
  });

  it('when a user has 50 addresses, then the 51st is refused with 409', async () => {
    const shopper = await signUp();
    const me = (await req('GET', '/v1/me', shopper)).json();
    await t.database.db
      .insertInto('addresses')
      .values(
        Array.from({ length: 50 }, (_, i) => ({
          id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
          user_id: me.id,
          name: 'A',
          line1: 'L',
          line2: null,
          city: 'C',
          postal_code: '1',
          country: 'NL',
        })),
      )
      .execute();
    const refused = await req('POST', '/v1/me/addresses', shopper, address);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('USERS_ADDRESS_LIMIT');
  });

  it('when the account was deleted but its token lives on, then 404', async () => {
    const shopper = await signUp();
    const me = (await req('GET', '/v1/me', shopper)).json();
    await t.database.db.deleteFrom('users').where('id', '=', me.id).execute();
    expect((await req('GET', '/v1/me', shopper)).statusCode).toBe(404);
    expect((await req('PATCH', '/v1/me', shopper, { name: 'X' })).statusCode).toBe(404);
    expect((await req('POST', '/v1/me/addresses', shopper, address)).statusCode).toBe(404);
  });
});
