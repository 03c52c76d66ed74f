import { registerPoolMetrics } from '@bazaar/db';
import { registerClientMetrics } from '@bazaar/http-client';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry: libraries and routes add their series to it. */
    metrics: Registry;
  }
}

export interface MetricsSettings {
  service: string;
  /** Process metrics (CPU, memory, event-loop delay, GC). Off in tests that build many apps. */
  processMetrics: boolean;
}

/**
 * RED metrics per route (`http_server_request_duration_seconds` with method, route and status)
 * and `/metrics` in Prometheus text. The route label is the route's pattern, never the raw URL,
 * so ids do not explode the series count; unmatched requests share one label. With them, the
 * process's database pools (`db_pool_*`) and service clients' breakers and retries
 * (`http_client_*`).
 */
export function installMetrics(app: FastifyInstance, settings: MetricsSettings): void {
  const registry = new Registry();
  registry.setDefaultLabels({ service: settings.service });
  if (settings.processMetrics) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests served, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  registerPoolMetrics(registry);
  registerClientMetrics(registry);
  app.decorate('metrics', registry);

  // A callback, not an async function: no promise and no extra microtask for every answer.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route !== '/metrics' && !route.startsWith('/health/')) {
      duration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    }
    done();
  });

  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
