import { ConfigError } from '@bazaar/service-kit';
import { loadServiceConfig } from '../src/config.js';

describe('users configuration', () => {
  it('when nothing is set locally, then the local admin and database-managed keys are used', () => {
    const config = loadServiceConfig({});
    expect(config.admin).toEqual({ email: 'admin@bazaar.local', password: 'bazaar-admin' });
    expect(config.JWT_PRIVATE_KEYS).toBeUndefined();
    expect(config.ACCESS_TOKEN_TTL_SECONDS).toBe(900);
    expect(config.PORT).toBe(8083);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when in production without admin credentials or keys, then every missing key is listed', () => {
    let error: unknown;
    try {
      loadServiceConfig({ NODE_ENV: 'production' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/BAZAAR_ADMIN_EMAIL/);
    expect(problems).toMatch(/BAZAAR_ADMIN_PASSWORD/);
    expect(problems).toMatch(/JWT_PRIVATE_KEYS/);
  });

  it('when in production with admin and an encryption secret, then it loads', () => {
    const config = loadServiceConfig({
      NODE_ENV: 'production',
      BAZAAR_ADMIN_EMAIL: 'ops@bazaar.example',
      BAZAAR_ADMIN_PASSWORD: 'a very long admin password',
      JWT_KEYS_ENCRYPTION_SECRET: 'x'.repeat(32),
    });
    expect(config.admin.email).toBe('ops@bazaar.example');
  });

  it('when the encryption secret is short, then it is refused', () => {
    expect(() => loadServiceConfig({ JWT_KEYS_ENCRYPTION_SECRET: 'short' })).toThrow(
      /JWT_KEYS_ENCRYPTION_SECRET/,
    );
  });
});
