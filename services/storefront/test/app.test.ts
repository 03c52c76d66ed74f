import { describeServiceBasics } from '@bazaar/service-kit/testing';
import { startHarness, type Harness } from './fixtures/storefront.js';
import { securityHeaders } from '../src/plugins/security.js';

describe('storefront app', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      CORS_ORIGINS: 'https://shop.example',
      BODY_LIMIT_BYTES: '2048',
    });
  });
  afterAll(() => h.close());

  // It keeps no state, so readiness checks nothing of its own.
  describeServiceBasics(() => h.app, { readyChecks: {} });

  describe('OpenAPI', () => {
    let document: Record<string, any>;
    beforeAll(async () => {
      document = (await h.app.inject({ url: '/docs/json' })).json();
    });

    it('when the document is read, then it lists every public route by its whole path', () => {
      const expected: [string, string][] = [
        ['post', '/v1/auth/register'],
        ['post', '/v1/auth/login'],
        ['post', '/v1/auth/refresh'],
        ['post', '/v1/auth/logout'],
        ['get', '/v1/me'],
        ['patch', '/v1/me'],
        ['get', '/v1/me/addresses'],
        ['post', '/v1/me/addresses'],
        ['delete', '/v1/me/addresses/{id}'],
        ['get', '/v1/categories'],
        ['get', '/v1/products'],
        ['get', '/v1/products/{id}'],
        ['get', '/v1/search'],
        ['post', '/v1/carts'],
        ['get', '/v1/carts/{id}'],
        ['put', '/v1/carts/{id}/items/{productId}'],
        ['post', '/v1/payment-methods'],
        ['post', '/v1/orders'],
        ['get', '/v1/orders'],
        ['get', '/v1/orders/{id}'],
        ['get', '/v1/orders/{id}/events'],
        ['post', '/v1/orders/{id}/cancel'],
        ['get', '/v1/orders/{id}/payments'],
        ['post', '/v1/payments/webhooks/{provider}'],
        ['post', '/v1/admin/products'],
        ['patch', '/v1/admin/products/{id}'],
        ['delete', '/v1/admin/products/{id}'],
        ['put', '/v1/admin/products/{id}/stock'],
        ['get', '/v1/admin/orders'],
        ['post', '/v1/admin/orders/{id}/ship'],
        ['get', '/v1/admin/orders/{id}/payments'],
      ];
      for (const [method, path] of expected) {
        expect({ path, method, found: Boolean(document.paths[path]?.[method]) }).toEqual({
          path,
          method,
          found: true,
        });
      }
    });

    it('when a guarded route is documented, then it names the bearer scheme, its problems and examples', () => {
      const checkout = document.paths['/v1/orders'].post;
      expect(checkout.security).toEqual([{ bearerAuth: [] }]);
      expect(document.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
      expect(Object.keys(checkout.responses)).toEqual(
        expect.arrayContaining(['202', '400', '401', '409', '422', '429', '503']),
      );
      expect(checkout.responses['503'].content['application/problem+json']).toBeDefined();
      expect(JSON.stringify(checkout.requestBody)).toContain('4242424242424242');
      const events = document.paths['/v1/orders/{id}/events'].get;
      expect(events.responses['200'].content['text/event-stream']).toBeDefined();
    });
  });

  it('when any route answers, then security headers are set', async () => {
    const response = await h.app.inject({ url: '/health/live' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toContain('max-age');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('when a request is refused or unknown, then its answer carries every header helmet sets', async () => {
    const response = await h.app.inject({ url: '/v1/no-such-route' });
    expect(response.statusCode).toBe(404);
    const headers = securityHeaders();
    expect(headers.length).toBeGreaterThan(10);
    for (const [name, value] of headers) expect(response.headers[name.toLowerCase()]).toBe(value);
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['cross-origin-resource-policy']).toBe('same-site');
  });

  it('when a configured origin asks, then CORS allows it; another origin gets no CORS headers', async () => {
    const allowed = await h.app.inject({
      method: 'OPTIONS',
      url: '/v1/products',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    const other = await h.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when a body is larger than the limit, then it is refused with 413 problem+json', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'a@example.com', password: 'x'.repeat(4000) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(h.fakes.users.received).toHaveLength(0);
  });
});
