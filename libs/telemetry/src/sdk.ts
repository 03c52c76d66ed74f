import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
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
import { carriesTraceContext } from './client-span.js';
import {
  BazaarSampler,
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
 * default. `http` is the server span of every incoming request, made by the service kit
 * (`traceServerRequest`), not OpenTelemetry's HTTP instrumentation. `pg` (a span per SQL statement) is off unless asked for: a saga step's span already
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

/**
 * Starts the OpenTelemetry NodeSDK: traces only, exported as OTLP/HTTP JSON to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (Jaeger's port 4318 takes it), `OTEL_SDK_DISABLED=true` to turn
 * off. Sampled `parentbased_traceidratio` with the ratio `OTEL_TRACES_SAMPLER_ARG` (default 1),
 * no `BEGIN`/`COMMIT` spans, and the entry span of an unsampled trace exported when it fails
 * ({@link BazaarSampler}); a public edge starts a new trace per request ({@link TelemetryOptions}).
 *
 * The NodeSDK would also start OTLP metric and log exporters on its own; metrics are served on
 * `/metrics` for Prometheus and logs go to stdout, so both are switched off here deliberately.
 * Instrumentations are chosen rather than auto-loaded: undici (the service clients, fetch), and
 * pg only when `OTEL_NODE_ENABLED_INSTRUMENTATIONS` asks for it ({@link enabledInstrumentations})
 * — each costs CPU per request, measured in `pnpm bench`. Incoming requests are traced by the
 * service kit's hooks (`traceServerRequest`: one span per request, named after its route), not
 * by OpenTelemetry's HTTP instrumentation, whose emitter patching and attributes cost a third of
 * a product read's CPU in each service, nor by Fastify's, which adds a span per hook.
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
      // fetch; a service client's requests carry their own client span (`traceClientRequest`).
      enabled.has('undici') &&
        new UndiciInstrumentation({ ignoreRequestHook: carriesTraceContext }),
      // A span per query, none per pool checkout: those doubled the spans of every order (a
      // wait for a connection shows as the gap before the query's span).
      enabled.has('pg') &&
        new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ].filter((instrumentation) => instrumentation !== false),
  });
  sdk.start();
  return sdk;
}
