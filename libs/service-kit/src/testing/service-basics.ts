import { describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { openApiErrors } from './openapi.js';

export interface ServiceBasics {
  /** What readiness reports when every dependency answers, e.g. `{ database: 'up' }`. */
  readyChecks: Record<string, string>;
  /** Paths the OpenAPI document lists at least (its whole paths, e.g. `/v1/products/{id}`). */
  paths?: string[];
}

/**
 * What every Bazaar service answers the same way, as one block of tests a service's
 * `app.test.ts` calls with its app (built by its setup helper in `beforeAll`): liveness,
 * readiness and its checks, Prometheus metrics, a valid OpenAPI 3.1 document, and a 404
 * problem+json for a route that does not exist.
 */
export function describeServiceBasics(app: () => FastifyInstance, basics: ServiceBasics): void {
  describe('service basics', () => {
    it('when it runs, then it is live', async () => {
      expect((await app().inject({ url: '/health/live' })).statusCode).toBe(200);
    });

    it('when its dependencies answer, then it is ready and says which it checked', async () => {
      const response = await app().inject({ url: '/health/ready' });
      expect(response.statusCode).toBe(200);
      expect(response.json().checks ?? {}).toEqual(basics.readyChecks);
    });

    it('when /docs/json is read, then it is a valid OpenAPI 3.1 document listing its routes', async () => {
      const document = (await app().inject({ url: '/docs/json' })).json();
      expect(document.openapi).toBe('3.1.0');
      expect(await openApiErrors(document)).toEqual([]);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(basics.paths ?? []));
    });

    it('when /metrics is scraped after a request, then the request is counted', async () => {
      await app().inject({ url: '/docs/json' });
      const response = await app().inject({ url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toMatch(/^http_server_request_duration_seconds_count\{.*\} [1-9]/m);
    });

    it('when a route does not exist, then 404 problem+json', async () => {
      const response = await app().inject({ url: '/v1/no-such-route' });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    });
  });
}
