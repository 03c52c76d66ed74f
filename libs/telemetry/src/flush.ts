import { trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush?: () => Promise<void>;
}

/**
 * Sends the spans still buffered, so the last requests of a stopping pod reach Jaeger.
 * Works through the global API, whoever started the SDK; a no-op when tracing is off.
 */
export async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => Flushable } & Flushable;
  const delegate = provider.getDelegate?.() ?? provider;
  await delegate.forceFlush?.();
}
