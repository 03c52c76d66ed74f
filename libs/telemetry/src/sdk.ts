import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage } from 'node:http';
import {
  BazaarSampler,
  callerLink,
  ErrorSpanProcessor,
  standardSampler,
  UntrustedCallerPropagator,
} from './sampling.js';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  environment: string;
  /**
   * A public edge (the storefront) that does not trust its callers' `traceparent`: each request
   * starts a new trace, linked to the caller's context.
   */
  untrustedCallers?: boolean;
  /** Where the sampler reads `OTEL_TRACES_SAMPLER(_ARG)`; the process environment by default. */
  env?: Record<string, string | undefined>;
}

/** The instrumentations run unless `OTEL_NODE_ENABLED_INSTRUMENTATIONS` names others. */
const DEFAULT_INSTRUMENTATIONS = ['http', 'undici'];
const KNOWN_INSTRUMENTATIONS = new Set(['http', 'undici', 'pg']);

/**
 * The instrumentations to run, from `OTEL_NODE_ENABLED_INSTRUMENTATIONS` (comma-separated, as
 * OpenTelemetry's Node auto-instrumentations read it: `http,undici,pg`); `http` and `undici` by
 * default. `pg` (a span per SQL statement) is off unless asked for: a saga step's span already
 * times the step and carries its error, the statements are counted and timed by Postgres
 * (`pg_stat_statements`), and a span for each of them doubled the spans of an order.
 */
export function enabledInstrumentations(env: Record<string, string | undefined>): Set<string> {
  const asked = (env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => KNOWN_INSTRUMENTATIONS.has(name));
  return new Set(asked.length > 0 ? asked : DEFAULT_INSTRUMENTATIONS);
}

/** Requests nobody traces: probes and scrapes would drown the real traffic. */
const UNTRACED = /^\/(health\/|metrics|docs)/;

/**
 * Starts the OpenTelemetry NodeSDK: traces only, exported as OTLP/HTTP JSON to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (Jaeger's port 4318 takes it), `OTEL_SDK_DISABLED=true` to turn
 * off. Sampled `parentbased_traceidratio` with the ratio `OTEL_TRACES_SAMPLER_ARG` (default 1),
 * no `BEGIN`/`COMMIT` spans, and the entry span of an unsampled trace exported when it fails
 * ({@link BazaarSampler}); a public edge starts a new trace per request ({@link TelemetryOptions}).
 *
 * The NodeSDK would also start OTLP metric and log exporters on its own; metrics are served on
 * `/metrics` for Prometheus and logs go to stdout, so both are switched off here deliberately.
 * Instrumentations are chosen rather than auto-loaded: http (incoming and outgoing) and undici
 * (fetch), and pg only when `OTEL_NODE_ENABLED_INSTRUMENTATIONS` asks for it
 * ({@link enabledInstrumentations}) — each costs CPU per request, measured in `pnpm bench`. Fastify's own
 * instrumentation is left out on purpose: it adds a span per hook and handler, which cost a
 * third of a product read's throughput; the service kit names the HTTP server span after the
 * route instead (`setServerRoute`).
 */
export function startTelemetry(options: TelemetryOptions): NodeSDK {
  const env = options.env ?? process.env;
  const enabled = enabledInstrumentations(env);
  const standard = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
      'deployment.environment.name': options.environment,
    }),
    sampler: new BazaarSampler(standardSampler(env)),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter()),
      new ErrorSpanProcessor(new BatchSpanProcessor(new OTLPTraceExporter())),
    ],
    textMapPropagator: options.untrustedCallers
      ? new UntrustedCallerPropagator(standard)
      : standard,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      enabled.has('http') &&
        new HttpInstrumentation({
          ignoreIncomingRequestHook: (request) => UNTRACED.test(request.url ?? ''),
          // The caller's context, kept as a link when it is not trusted as the parent.
          requestHook: options.untrustedCallers
            ? (span, request) => {
                const link = callerLink((request as IncomingMessage).headers ?? {});
                if (link && 'method' in request && !('setHeader' in request)) span.addLink(link);
              }
            : undefined,
        }),
      enabled.has('undici') && new UndiciInstrumentation(),
      // A span per query, none per pool checkout: those doubled the spans of every order (a
      // wait for a connection shows as the gap before the query's span).
      enabled.has('pg') &&
        new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ].filter((instrumentation) => instrumentation !== false),
  });
  sdk.start();
  return sdk;
}
