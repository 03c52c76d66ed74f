import { ConfigError } from '@bazaar/service-kit';
import { corsOrigins, jwksUrl, loadServiceConfig, trustProxySetting } from '../src/config.js';

describe('storefront config', () => {
  it('when nothing is set, then local defaults apply and rate limits are on', () => {
    const config = loadServiceConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.CATALOG_URL).toBe('http://127.0.0.1:8081');
    expect(config.BAZAAR_RATE_LIMITS).toBe('on');
    expect(jwksUrl(config)).toBe('http://127.0.0.1:8083/.well-known/jwks.json');
  });

  it('when values are wrong, then every bad key is listed', () => {
    let thrown: unknown;
    try {
      loadServiceConfig({ BAZAAR_RATE_LIMITS: 'maybe', ORDERS_URL: 'orders:8082' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const text = (thrown as ConfigError).problems.join('\n');
    expect(text).toContain('BAZAAR_RATE_LIMITS');
    expect(text).toContain('ORDERS_URL');
  });

  it('when TRUST_PROXY and CORS_ORIGINS are given, then they are read as Fastify wants them', () => {
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('')).toBe(false);
    expect(trustProxySetting('10.0.0.0/8,127.0.0.1')).toBe('10.0.0.0/8,127.0.0.1');
    expect(corsOrigins(' https://a.example, https://b.example ,')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(corsOrigins('')).toEqual([]);
  });

  it('when JWKS_URL is set, then it wins over the users URL', () => {
    expect(jwksUrl(loadServiceConfig({ JWKS_URL: 'http://keys.example/jwks.json' }))).toBe(
      'http://keys.example/jwks.json',
    );
  });
});
