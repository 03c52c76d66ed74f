import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { telemetryConfig } from './config.js';
import { enabledInstrumentations } from './sdk.js';
import { recordSpanError } from './span-error.js';
import { bazaarTracer } from './tracer.js';

/** One outgoing request, as much of it as its span says. */
export interface OutgoingRequestInfo {
  method: string;
  /** The host and port called (`127.0.0.1`, 8081). */
  serverAddress: string;
  serverPort: number;
  /** The whole URL, query included. */
  url: string;
}

/** A traced outgoing request: what its answer was, and the end of its span. */
export interface ClientRequestTrace {
  /** The answer's status: from 400 on, the span is an error (as the undici instrumentation had it). */
  answered(statusCode: number): void;
  /** No answer: the error is recorded on the span. */
  failed(error: unknown): void;
  /** Ends the span (once the answer is read, or the attempt gave up). Once only. */
  end(): void;
}

const UNTRACED: ClientRequestTrace = {
  answered: () => undefined,
  failed: () => undefined,
  end: () => undefined,
};

let enabled: boolean | undefined;

/**
 * Whether this process traces its service clients' requests: telemetry on and `undici` among
 * its instrumentations (`OTEL_NODE_ENABLED_INSTRUMENTATIONS`), as for `fetch`.
 */
export function tracesClientRequests(env: Record<string, string | undefined> = process.env) {
  return telemetryConfig(env).enabled && enabledInstrumentations(env).has('undici');
}

/**
 * The client span of one request a service client sends (`GET`, kind client, child of the active
 * context), with the trace context put into `headers` for the service called. The undici
 * instrumentation leaves requests that already carry a `traceparent` to whoever put it there
 * ({@link carriesTraceContext}), so each request has one client span: this one, without the URL
 * parsing, header scanning and four diagnostics-channel hops per request the instrumentation
 * takes. Attributes: method, server address and port, the URL, the answer's status.
 */
export function traceClientRequest(
  request: OutgoingRequestInfo,
  headers: Record<string, string>,
): ClientRequestTrace {
  enabled ??= tracesClientRequests();
  if (!enabled) return UNTRACED;
  const parent = context.active();
  const span: Span = bazaarTracer().startSpan(
    request.method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': request.method,
        'server.address': request.serverAddress,
        'server.port': request.serverPort,
        'url.full': request.url,
      },
    },
    parent,
  );
  propagation.inject(trace.setSpan(parent, span), headers);
  let ended = false;
  return {
    answered(statusCode) {
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 400) {
        span.setAttribute('error.type', String(statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    },
    failed(error) {
      recordSpanError(span, error);
    },
    end() {
      if (ended) return;
      ended = true;
      span.end();
    },
  };
}

/**
 * Whether an undici request already carries trace context (a service client's, from
 * {@link traceClientRequest}): the undici instrumentation then makes no second span for it.
 */
export function carriesTraceContext(request: { headers?: unknown }): boolean {
  const { headers } = request;
  if (Array.isArray(headers)) return headers.includes('traceparent');
  return typeof headers === 'string' && headers.includes('traceparent:');
}
