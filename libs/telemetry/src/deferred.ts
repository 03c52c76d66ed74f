import { context, propagation, ROOT_CONTEXT, SpanKind, type Attributes } from '@opentelemetry/api';
import { recordSpanError } from './span-error.js';
import { bazaarTracer } from './tracer.js';

/** A trace context as W3C headers (`traceparent`, `tracestate`): what a job row keeps. */
export type TraceCarrier = Record<string, string>;

/** The active trace context, to keep with work that runs later (a job or operation row). */
export function traceCarrier(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs work that was asked for earlier as a span of the trace that asked for it (`carrier` is
 * what {@link traceCarrier} gave then), so what the work traces or writes — an outbox row's
 * `traceparent` — stays in that one trace instead of starting a new one.
 */
export async function inTraceOf<T>(
  carrier: TraceCarrier | null | undefined,
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, carrier ?? {});
  return bazaarTracer().startActiveSpan(
    name,
    { kind: SpanKind.INTERNAL, attributes },
    parent,
    async (span) => {
      try {
        return await work();
      } catch (error) {
        recordSpanError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Keeps the active trace context for work done later on its behalf (a batch that writes for
 * several traces in one transaction): the returned function runs `work` in that context.
 */
export function keepTraceContext(): <T>(work: () => T) => T {
  const kept = context.active();
  return (work) => context.with(kept, work);
}
