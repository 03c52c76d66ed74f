import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';

let kept: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * This library's tracer, taken again only when the registered provider changes: a span of every
 * request asked the provider for it by name and version (a key built and looked up per span).
 *
 * Not taken once at load: this module loads before the SDK starts (sdk.ts imports it), and a
 * tracer taken then from this (ESM) copy of the API is a proxy that never learns of the SDK the
 * CommonJS copy registers; it would make no-op spans for good. The provider registered later is
 * another object, so the tracer is taken again from it.
 */
export function bazaarTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (kept?.provider !== provider) {
    kept = { provider, tracer: provider.getTracer('@bazaar/telemetry') };
  }
  return kept.tracer;
}
