import fp from 'fastify-plugin';

/** What the service kit serves for the cluster (probes, Prometheus), not for shoppers. */
const INTERNAL = new Set(['/metrics', '/health/live', '/health/ready']);

/**
 * Health, readiness and `/metrics` answer only requests that come straight to the pod:
 * kubelet's probes and Prometheus' scrapes. A request that came through the ingress (the
 * controller always adds `X-Forwarded-For`) gets the 404 of an unknown path, so neither the
 * process's metrics nor a database check can be read or driven from the internet — even if an
 * ingress is once again pointed at `/`. The ingress itself routes only `/v1` and `/docs`
 * (kustomize/overlays/\*\/ingress.yaml); this is the second line.
 */
export const internalEndpoints = fp(
  async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      if (!INTERNAL.has(request.routeOptions.url ?? '')) return;
      if (request.headers['x-forwarded-for'] === undefined) return;
      reply.callNotFound();
      return reply;
    });
  },
  { name: 'storefront-internal-endpoints' },
);
