import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { carriesTraceContext, traceClientRequest } from '../src/client-span.js';

describe('the client span of a service client’s request', () => {
  const exported = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exported)],
  });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    context.disable();
    trace.disable();
    propagation.disable();
  });
  beforeEach(() => exported.reset());

  const call = () => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const traced = traceClientRequest(
      {
        method: 'GET',
        serverAddress: '127.0.0.1',
        serverPort: 8081,
        url: 'http://127.0.0.1:8081/v1/prices?ids=1',
      },
      headers,
    );
    return { headers, traced };
  };

  it('when a request is sent in a trace, then its span is the active span’s child and the service called gets its context', () => {
    const parent = provider.getTracer('test').startSpan('GET /v1/orders');
    const { headers, traced } = context.with(trace.setSpan(context.active(), parent), call);
    traced.answered(200);
    traced.end();
    traced.end();
    const [span, ...others] = exported.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span).toMatchObject({ name: 'GET', kind: SpanKind.CLIENT });
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(headers.traceparent).toBe(
      `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    );
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': 8081,
      'url.full': 'http://127.0.0.1:8081/v1/prices?ids=1',
      'http.response.status_code': 200,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('when the answer is a 4xx or there is none, then the span is an error', () => {
    const refused = call().traced;
    refused.answered(404);
    refused.end();
    const failed = call().traced;
    failed.failed(new Error('connect ECONNREFUSED'));
    failed.end();
    const [first, second] = exported.getFinishedSpans();
    expect(first.status.code).toBe(SpanStatusCode.ERROR);
    expect(first.attributes['error.type']).toBe('404');
    expect(second.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connect ECONNREFUSED' });
    expect(second.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('when undici sees a request that carries a traceparent, then the instrumentation leaves it alone', () => {
    expect(
      carriesTraceContext({ headers: ['accept', 'application/json', 'traceparent', 'x'] }),
    ).toBe(true);
    expect(carriesTraceContext({ headers: 'accept: application/json\r\ntraceparent: x\r\n' })).toBe(
      true,
    );
    expect(carriesTraceContext({ headers: ['accept', 'application/json'] })).toBe(false);
    expect(carriesTraceContext({})).toBe(false);
  });
});
