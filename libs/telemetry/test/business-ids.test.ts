import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { businessAttributes, tagSpan } from '../src/index.js';

describe('business ids on spans', () => {
  it('when ids are given, then they become order.id, user.id, product.id and payment.id', () => {
    expect(
      businessAttributes({ orderId: 'o1', userId: 'u1', productId: 'p1', paymentId: 'pay1' }),
    ).toEqual({
      'order.id': 'o1',
      'user.id': 'u1',
      'product.id': 'p1',
      'payment.id': 'pay1',
    });
    expect(businessAttributes({ orderId: '', userId: undefined })).toEqual({});
  });

  it('when a span is active, then tagSpan sets the ids on it; without one it does nothing', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      expect(() => tagSpan({ orderId: 'nobody-listens' })).not.toThrow();
      const span = provider.getTracer('test').startSpan('checkout');
      context.with(trace.setSpan(context.active(), span), () =>
        tagSpan({ orderId: 'o42', userId: 'u7' }),
      );
      span.end();
      expect(exporter.getFinishedSpans()[0].attributes).toMatchObject({
        'order.id': 'o42',
        'user.id': 'u7',
      });
    } finally {
      context.disable();
    }
  });
});

describe('flushTraces', () => {
  it('when the exporter cannot reach the collector, then flushing still resolves', async () => {
    const { flushTraces } = await import('../src/index.js');
    let flushed = 0;
    const unreachable = {
      getTracer: () => trace.getTracer('noop'),
      forceFlush: async () => {
        flushed += 1;
        throw new Error('connect ECONNREFUSED 127.0.0.1:4318');
      },
    };
    trace.setGlobalTracerProvider(unreachable as never);
    try {
      await expect(flushTraces()).resolves.toBeUndefined();
      expect(flushed).toBe(1);
    } finally {
      trace.disable();
    }
  });
});
