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
