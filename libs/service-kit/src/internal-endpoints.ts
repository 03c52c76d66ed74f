import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** What the service kit serves for the cluster (probes, Prometheus), not for the public. */
const INTERNAL = new Set(['/metrics', '/health/live', '/health/ready']);

export interface InternalEndpointsOptions {
  /**
   * Also keep the OpenAPI document and its Swagger UI (`/docs`, `/docs/*`) inside the cluster:
   * for a service whose document is for its team, not its users (the web shop: its pages).
   */
  docs?: boolean;
}

const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');

/**
 * For a service exposed by an ingress (the storefront, the web shop): health, readiness and
 * `/metrics` (and with `docs: true` the OpenAPI document) answer only requests that come straight
 * to the pod — kubelet's probes and Prometheus' scrapes. A request that came through the ingress
 * (the controller always adds `X-Forwarded-For`) gets the 404 of an unknown path, so neither the
 * process's metrics nor a readiness check can be read or driven from the internet, whatever
 * paths an ingress routes.
 */
export const internalEndpoints = fp<InternalEndpointsOptions>(
  async (app: FastifyInstance, options) => {
    // A callback, not an async function: every request passes here, and nearly all go on.
    app.addHook('onRequest', (request, reply, done) => {
      const url = request.routeOptions.url ?? '';
      const internal = INTERNAL.has(url) || (options.docs === true && isDocs(url));
      if (internal && request.headers['x-forwarded-for'] !== undefined) reply.callNotFound();
      else done();
    });
  },
  { name: 'internal-endpoints' },
);
