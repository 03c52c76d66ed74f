import { bearer, newAccount, startUsersApp, type UsersTestApp } from './helpers.js';

/**
 * Input the schemas used to accept and Postgres refuses (issue #16): each was a 500, and 500s
 * open the storefront's circuit breaker to users (login then fails for everyone).
 */
describe('hostile input to users', () => {
  let t: UsersTestApp;
  let token: string;
  const ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';

  beforeAll(async () => {
    t = await startUsersApp('users_hostile');
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: newAccount(),
    });
    token = response.json().accessToken as string;
  });
  afterAll(async () => {
    await t.close();
  });

  const expectRefused = (response: { statusCode: number; headers: Record<string, unknown> }) => {
    expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
  };

  it('when an address id is a urn:uuid, then delete is 400', async () => {
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/v1/me/addresses/urn:uuid:${ID}`,
      headers: bearer(token),
    });
    expectRefused(response);
    expect(response.json().errors[0].field).toBe('params.id');
  });

  it('when an address-list cursor is forged, then 400', async () => {
    for (const id of ['-'.repeat(36), `urn:uuid:${ID}`, 'f'.repeat(36), 42]) {
      const cursor = Buffer.from(JSON.stringify({ id })).toString('base64url');
      const response = await t.app.inject({
        url: `/v1/me/addresses?cursor=${cursor}`,
        headers: bearer(token),
      });
      expectRefused(response);
      expect(response.json().code).toBe('USERS_INVALID_CURSOR');
    }
  });

  it('when an address or a profile name holds U+0000, then 400', async () => {
    const address = await t.app.inject({
      method: 'POST',
      url: '/v1/me/addresses',
      headers: bearer(token),
      payload: { name: '\u0000', line1: 'a', city: 'b', postalCode: '1', country: 'nl' },
    });
    expectRefused(address);
    expect(address.json().errors[0].field).toBe('body.name');
    const profile = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: bearer(token),
      payload: { name: 'Ann\u0000' },
    });
    expectRefused(profile);
  });
});
