import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  environment: string;
}

/** Requests nobody traces: probes and scrapes would drown the real traffic. */
const UNTRACED = /^\/(health\/|metrics|docs)/;

/**
 * Starts the OpenTelemetry NodeSDK: traces only, exported as OTLP/HTTP JSON to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (Jaeger's port 4318 takes it), sampled by the standard
 * `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` variables, `OTEL_SDK_DISABLED=true` to turn off.
 *
 * The NodeSDK would also start OTLP metric and log exporters on its own; metrics are served on
 * `/metrics` for Prometheus and logs go to stdout, so both are switched off here deliberately.
 * Instrumentations are chosen rather than auto-loaded: http (incoming and outgoing), undici
 * (fetch) and pg — each costs CPU per request, measured in `pnpm bench`. Fastify's own
 * instrumentation is left out on purpose: it adds a span per hook and handler, which cost a
 * third of a product read's throughput; the service kit names the HTTP server span after the
 * route instead (`setServerRoute`).
 */
export function startTelemetry(options: TelemetryOptions): NodeSDK {
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
      'deployment.environment.name': options.environment,
    }),
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED.test(request.url ?? ''),
      }),
      new UndiciInstrumentation(),
      // A span per query, none per pool checkout: those doubled the spans of every order (a
      // wait for a connection shows as the gap before the query's span).
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
  sdk.start();
  return sdk;
}
