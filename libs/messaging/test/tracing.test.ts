import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { eventually } from '@bazaar/testing';
import type { KyselyPlugin } from 'kysely';
import { OutboxBatch, queueNames, writeEvent } from '../src/index.js';
import { userRegistered, useTestbed } from './support.js';

const QUEUE = 'tracing.users';

describe('tracing', () => {
  const bed = useTestbed('tracing');
  const { namespace } = bed;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  /** userId -> the span active inside the handler. */
  const activeInHandler = new Map<string, { traceId: string; spanId: string }>();

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    const messaging = bed.messaging({ service: 'tracing', logger: undefined });
    messaging.subscribe(QUEUE, {
      'user.registered': async (event) => {
        const span = trace.getActiveSpan();
        if (span) activeInHandler.set(event.data.userId, span.spanContext());
      },
    });
    await messaging.start();
  });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  function spansOf(messageId: string, kind: SpanKind): ReadableSpan[] {
    return exporter
      .getFinishedSpans()
      .filter((s) => s.kind === kind && s.attributes['messaging.message.id'] === messageId);
  }

  it('when no queue is bound to an event type, then its publish span says unrouted and is not an error', async () => {
    const orderId = userRegistered().userId;
    const id = await bed.db
      .transaction()
      .execute((trx) =>
        writeEvent(trx, { type: 'order.shipped', data: { orderId, userId: orderId } }),
      );
    const [producer] = await eventually(() => {
      const found = spansOf(id, SpanKind.PRODUCER);
      return found.length ? found : undefined;
    });
    expect(producer!.attributes['messaging.bazaar.unrouted']).toBe(true);
    expect(producer!.status.code).toBe(SpanStatusCode.UNSET);
    expect(producer!.events.map((e) => e.name)).toEqual(['unrouted']);
  });

  it('when an event is written inside a trace, then the publish and the consumer spans join that trace', async () => {
    const data = userRegistered('Traced');
    const tracer = trace.getTracer('test');
    const { id, parent } = await tracer.startActiveSpan('POST /v1/users', async (span) => {
      const written = await bed.db
        .transaction()
        .execute((trx) => writeEvent(trx, { type: 'user.registered', data }));
      span.end();
      return { id: written, parent: span.spanContext() };
    });

    const [consumer] = await eventually(() => {
      const found = spansOf(id, SpanKind.CONSUMER);
      return found.length ? found : undefined;
    });
    const [producer] = spansOf(id, SpanKind.PRODUCER);

    expect(consumer!.spanContext().traceId).toBe(parent.traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(parent.spanId);
    expect(consumer!.name).toBe(`process ${queueNames(namespace, QUEUE, []).main}`);
    expect(consumer!.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': `${namespace}bazaar.events`,
      'messaging.destination.subscription.name': queueNames(namespace, QUEUE, []).main,
      'messaging.message.id': id,
      // The event's ids, for Jaeger's tag search; nothing else of its data (no email, no name).
      'user.id': data.userId,
    });
    expect(JSON.stringify(consumer!.attributes)).not.toContain(data.email);
    expect(producer!.spanContext().traceId).toBe(parent.traceId);
    expect(producer!.name).toBe(`publish ${namespace}bazaar.events`);
    expect(producer!.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': `${namespace}bazaar.events`,
      'messaging.rabbitmq.destination.routing_key': 'user.registered',
      'messaging.message.id': id,
      'user.id': data.userId,
    });
    // The handler runs inside the consumer span: its logs and queries join the trace too.
    expect(activeInHandler.get(data.userId)).toEqual(
      expect.objectContaining({ traceId: parent.traceId, spanId: consumer!.spanContext().spanId }),
    );
  });

  it('when events of several traces are written in one batch, then one insert writes them and each is consumed in its own trace', async () => {
    const tracer = trace.getTracer('test');
    const batch = new OutboxBatch();
    const parents = ['Ada', 'Grace', 'Edsger'].map((name) =>
      tracer.startActiveSpan(`outcome ${name}`, (span) => {
        batch.add({ type: 'user.registered', data: userRegistered(name) });
        span.end();
        return span.spanContext();
      }),
    );
    let inserts = 0;
    const counting: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (node.kind === 'InsertQueryNode') inserts += 1;
        return node;
      },
      transformResult: async ({ result }) => result,
    };

    // Written outside the three traces: each event keeps the one it was added in.
    const ids = await bed.db
      .withPlugin(counting)
      .transaction()
      .execute((trx) => batch.write(trx));

    expect(inserts).toBe(1);
    expect(ids).toHaveLength(3);
    const consumers = await eventually(() => {
      const found = ids.map((id) => spansOf(id, SpanKind.CONSUMER)[0]);
      return found.every(Boolean) ? found : undefined;
    });
    expect(consumers.map((span) => span!.spanContext().traceId)).toEqual(
      parents.map((parent) => parent.traceId),
    );
    expect(ids.map((id) => spansOf(id, SpanKind.PRODUCER)[0]!.parentSpanContext?.spanId)).toEqual(
      parents.map((parent) => parent.spanId),
    );
  });

  it('when an event is written outside any trace, then the consumer joins the trace its publish started', async () => {
    const data = userRegistered('Untraced');
    const id = await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data }));

    const [consumer] = await eventually(() => {
      const found = spansOf(id, SpanKind.CONSUMER);
      return found.length ? found : undefined;
    });
    const [producer] = spansOf(id, SpanKind.PRODUCER);
    expect(producer!.parentSpanContext).toBeUndefined();
    expect(consumer!.spanContext().traceId).toBe(producer!.spanContext().traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
  });
});

describe('eventIdAttributes', () => {
  it('when event data names ids, then they become span attributes and nothing else does', async () => {
    const { eventIdAttributes } = await import('../src/tracing.js');
    expect(
      eventIdAttributes({
        orderId: 'o1',
        userId: 'u1',
        paymentId: 'p1',
        reason: 'timeout',
        total: { amount: 1 },
      }),
    ).toEqual({ 'order.id': 'o1', 'user.id': 'u1', 'payment.id': 'p1' });
    expect(eventIdAttributes({ product: { id: 'prod1', name: 'Teapot' } })).toEqual({
      'product.id': 'prod1',
    });
    expect(eventIdAttributes({ productId: 'prod2', version: 3 })).toEqual({
      'product.id': 'prod2',
    });
    expect(eventIdAttributes(null)).toEqual({});
  });
});
