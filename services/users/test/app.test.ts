import { describeServiceBasics } from '@bazaar/service-kit/testing';
import { startUsersApp, type UsersTestApp } from './helpers.js';

describe('users service', () => {
  let t: UsersTestApp;

  beforeAll(async () => {
    t = await startUsersApp('users_app');
  });
  afterAll(async () => {
    await t.close();
  });

  describeServiceBasics(() => t.app, {
    readyChecks: { database: 'up' },
    paths: ['/v1/auth/register', '/v1/auth/login', '/v1/me'],
  });
});
