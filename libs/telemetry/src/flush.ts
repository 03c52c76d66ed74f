import { trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush?: () => Promise<void>;
}

/**
 * Sends the spans still buffered, so the last requests of a stopping pod reach Jaeger.
 * Works through the global API, whoever started the SDK; a no-op when tracing is off, and
 * never throws: a collector that is away costs those spans, not the shutdown.
 */
export async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => Flushable } & Flushable;
  const delegate = provider.getDelegate?.() ?? provider;
  try {
    await delegate.forceFlush?.();
  } catch {
    // The collector is away: losing the last spans must not fail a clean shutdown.
  }
}
