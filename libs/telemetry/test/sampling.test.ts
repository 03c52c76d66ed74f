import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  BazaarSampler,
  callerLink,
  ErrorSpanProcessor,
  standardSampler,
  UntrustedCallerPropagator,
} from '../src/sampling.js';

const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function pipeline(env: Record<string, string>) {
  const exported = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new BazaarSampler(standardSampler(env)),
    spanProcessors: [
      new SimpleSpanProcessor(exported),
      new ErrorSpanProcessor(new SimpleSpanProcessor(exported)),
    ],
  });
  const tracer: Tracer = provider.getTracer('test');
  return { exported, tracer };
}

/** A request's spans: the server span, a BEGIN, a query and a COMMIT under it. */
function request(tracer: Tracer, fail = false) {
  const server = tracer.startSpan('GET /v1/orders/:id', { kind: SpanKind.SERVER });
  context.with(trace.setSpan(ROOT_CONTEXT, server), () => {
    for (const name of ['pg.query:BEGIN bazaar_orders', 'pg.query:select', 'pg.query:COMMIT x']) {
      tracer.startSpan(name, { kind: SpanKind.CLIENT }).end();
    }
  });
  if (fail) server.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  server.end();
  return server;
}

describe('sampling', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => context.disable());

  it('when every trace is sampled (the default), then the request is exported without its BEGIN and COMMIT spans', () => {
    const { exported, tracer } = pipeline({});
    request(tracer);
    expect(exported.getFinishedSpans().map((s) => s.name)).toEqual([
      'pg.query:select',
      'GET /v1/orders/:id',
    ]);
  });

  it('when the ratio leaves a trace out, then nothing of it is exported and its children are not even recorded', () => {
    const { exported, tracer } = pipeline({ OTEL_TRACES_SAMPLER_ARG: '0' });
    const server = request(tracer);
    expect(exported.getFinishedSpans()).toEqual([]);
    const child = context.with(trace.setSpan(ROOT_CONTEXT, server), () =>
      tracer.startSpan('pg.query:select'),
    );
    expect(child.isRecording()).toBe(false);
  });

  it('when a trace left out by the ratio fails, then its entry span is still exported, as sampled', () => {
    const { exported, tracer } = pipeline({ OTEL_TRACES_SAMPLER_ARG: '0' });
    request(tracer, true);
    const spans = exported.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['GET /v1/orders/:id']);
    expect(spans[0].spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
    expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
  });

  it('when a caller sends a sampled traceparent to a public edge, then the request starts its own trace, linked to the caller', () => {
    const edge = new UntrustedCallerPropagator(new W3CTraceContextPropagator());
    const headers = { traceparent: CALLER };
    const getter: TextMapGetter<typeof headers> = {
      keys: (carrier) => Object.keys(carrier),
      get: (carrier, key) => carrier[key as keyof typeof carrier],
    };
    const extracted = edge.extract(ROOT_CONTEXT, headers, getter);
    expect(trace.getSpanContext(extracted)).toBeUndefined();
    const link = callerLink(headers)!;
    expect(link.context.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(link.context.spanId).toBe('b7ad6b7169203331');
    expect(callerLink({})).toBeUndefined();
  });

  it('when the edge starts a trace with the ratio at 0, then the caller’s sampled flag does not make it sampled', () => {
    const { exported, tracer } = pipeline({ OTEL_TRACES_SAMPLER_ARG: '0' });
    const span = tracer.startSpan('POST /v1/orders', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    span.addLink(callerLink({ traceparent: CALLER })!);
    span.end();
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    expect(exported.getFinishedSpans()).toEqual([]);
  });

  it('when the sampler is configured, then the standard names and a ratio in [0, 1] are read', () => {
    expect(standardSampler({}).toString()).toContain('TraceIdRatioBased{1}');
    expect(standardSampler({ OTEL_TRACES_SAMPLER_ARG: '0.1' }).toString()).toContain(
      'TraceIdRatioBased{0.1}',
    );
    expect(standardSampler({ OTEL_TRACES_SAMPLER_ARG: 'lots' }).toString()).toContain(
      'TraceIdRatioBased{1}',
    );
    expect(standardSampler({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe(
      'AlwaysOffSampler',
    );
  });
});
