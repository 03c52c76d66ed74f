import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isTracingSuppressed, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { traceServerRequest, tracesServerRequests } from '../src/server-span.js';
import { UntrustedCallerPropagator } from '../src/sampling.js';

const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('the server span of an incoming request', () => {
  const exported = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exported)],
  });
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(() => {
    context.disable();
    trace.disable();
    propagation.disable();
  });
  beforeEach(() => {
    exported.reset();
    propagation.disable();
  });

  const get = (route: string | undefined, headers: Record<string, string> = {}) =>
    traceServerRequest({
      method: 'GET',
      url: '/v1/products/42?fields=all',
      route,
      headers,
      clientAddress: '203.0.113.7',
    });

  it('when a request is answered, then one server span named after its route is exported, a child of the caller, with the status', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const traced = get('/v1/products/:id', { traceparent: CALLER });
    context.with(traced.context, () => {
      expect(trace.getActiveSpan()?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    });
    traced.end(200);
    traced.end(200);
    const [span, ...others] = exported.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span.name).toBe('GET /v1/products/:id');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/v1/products/42',
      'http.route': '/v1/products/:id',
      'client.address': '203.0.113.7',
      'http.response.status_code': 200,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('when the answer is a 5xx, then the span is an error; when no route matched, it is named by its method', () => {
    get(undefined).end(503);
    const [span] = exported.getFinishedSpans();
    expect(span.name).toBe('GET');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('when a public edge gets a caller’s traceparent, then the request starts its own trace, linked to the caller', () => {
    propagation.setGlobalPropagator(new UntrustedCallerPropagator(new W3CTraceContextPropagator()));
    get('/v1/products/:id', { traceparent: CALLER }).end(200);
    const [span] = exported.getFinishedSpans();
    expect(span.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.links).toEqual([
      expect.objectContaining({
        context: expect.objectContaining({ spanId: 'b7ad6b7169203331' }),
        attributes: { 'link.reason': 'caller' },
      }),
    ]);
  });

  it('when a probe, a scrape or the docs are requested, then nothing of it is traced', () => {
    for (const url of ['/health/ready', '/metrics', '/docs/json']) {
      const traced = traceServerRequest({ method: 'GET', url, route: url, headers: {} });
      expect(isTracingSuppressed(traced.context)).toBe(true);
      traced.end(200);
    }
    expect(exported.getFinishedSpans()).toEqual([]);
  });

  it('when telemetry is off or http is not among the instrumentations, then requests are not traced', () => {
    expect(tracesServerRequests({})).toBe(true);
    expect(tracesServerRequests({ OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracesServerRequests({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'undici' })).toBe(false);
  });
});
