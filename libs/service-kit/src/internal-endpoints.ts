import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** What the service kit serves for the cluster (probes, Prometheus), not for the public. */
const INTERNAL = new Set(['/metrics', '/health/live', '/health/ready']);

/**
 * For a service exposed by an ingress (the storefront, the web shop): health, readiness and
 * `/metrics` answer only requests that come straight to the pod — kubelet's probes and
 * Prometheus' scrapes. A request that came through the ingress (the controller always adds
 * `X-Forwarded-For`) gets the 404 of an unknown path, so neither the process's metrics nor a
 * readiness check can be read or driven from the internet, whatever paths an ingress routes.
 */
export const internalEndpoints = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      if (!INTERNAL.has(request.routeOptions.url ?? '')) return;
      if (request.headers['x-forwarded-for'] === undefined) return;
      reply.callNotFound();
      return reply;
    });
  },
  { name: 'internal-endpoints' },
);
