import {
  createContextKey,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SamplingResult,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Transaction control statements: a span each told nothing the query spans between them do not. */
const TRANSACTION_CONTROL = /^pg\.query:(BEGIN|COMMIT|ROLLBACK|START)\b/i;

/**
 * The sampler every service runs: `parentbased_traceidratio` by default with the ratio from
 * `OTEL_TRACES_SAMPLER_ARG` (1, every trace, unless configured: the prod overlay sets less), or
 * another standard `OTEL_TRACES_SAMPLER`. Around it:
 * - `BEGIN`/`COMMIT`/`ROLLBACK` query spans are never recorded;
 * - the entry span (server or consumer, no local parent) of a trace left out by the ratio is
 *   still recorded, not sampled, so that {@link ErrorSpanProcessor} can export it if it ends in
 *   an error: an error is never invisible, whatever the ratio. Its children are not recorded.
 */
export class BazaarSampler implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (TRANSACTION_CONTROL.test(spanName)) return { decision: SamplingDecision.NOT_RECORD };
    const result = this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (result.decision !== SamplingDecision.NOT_RECORD) return result;
    const parent = trace.getSpanContext(context);
    const entry =
      (spanKind === SpanKind.SERVER || spanKind === SpanKind.CONSUMER) &&
      (!parent || parent.isRemote === true);
    return entry ? { ...result, decision: SamplingDecision.RECORD } : result;
  }

  toString(): string {
    return `BazaarSampler{${this.inner.toString()}}`;
  }
}

/** The standard sampler named by `OTEL_TRACES_SAMPLER` (default `parentbased_traceidratio`). */
export function standardSampler(env: Record<string, string | undefined>): Sampler {
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  const ratio = Number.isFinite(arg) && arg >= 0 && arg <= 1 ? arg : 1;
  switch (env.OTEL_TRACES_SAMPLER ?? 'parentbased_traceidratio') {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    default:
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * Exports the recorded-but-unsampled spans {@link BazaarSampler} keeps for errors, when they end
 * in an error, through `next` (a batch processor) as if sampled. Sampled spans are `next`'s
 * already: this processor passes them by.
 */
export class ErrorSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    const context = span.spanContext();
    if ((context.traceFlags & TraceFlags.SAMPLED) !== 0) return;
    if (span.status.code !== SpanStatusCode.ERROR) return;
    const sampled: SpanContext = {
      ...context,
      traceFlags: context.traceFlags | TraceFlags.SAMPLED,
    };
    this.next.onEnd(Object.create(span, { spanContext: { value: () => sampled } }) as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/**
 * Where {@link UntrustedCallerPropagator} leaves a public edge's caller's span context: never the
 * parent, only what the request's span is linked to (`traceServerRequest`). `createContextKey`
 * is `Symbol.for`, so the key is the same in every copy of this module.
 */
export const CALLER_CONTEXT = createContextKey('bazaar.telemetry.caller-span-context');

/**
 * For a public edge (the storefront): a caller's `traceparent` never becomes the parent, so the
 * internet neither decides sampling nor joins our traces; every request starts a new trace, and
 * the caller's context, kept under {@link CALLER_CONTEXT}, is linked to its entry span.
 * Injection (outgoing calls) is the standard one.
 */
export class UntrustedCallerPropagator implements TextMapPropagator {
  constructor(private readonly inner: TextMapPropagator) {}

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.inner.inject(context, carrier, setter);
  }

  extract(context: Context, carrier?: unknown, getter?: TextMapGetter): Context {
    if (carrier === undefined || getter === undefined) return context;
    const caller = trace.getSpanContext(this.inner.extract(ROOT_CONTEXT, carrier, getter));
    return caller ? context.setValue(CALLER_CONTEXT, caller) : context;
  }

  fields(): string[] {
    return this.inner.fields();
  }
}

/** The caller's trace context in these headers, as a link for the request's new trace. */
export function callerLink(
  headers: Record<string, string | string[] | undefined>,
  propagator: TextMapPropagator = new W3CTraceContextPropagator(),
): Link | undefined {
  if (headers.traceparent === undefined) return undefined;
  const getter: TextMapGetter<typeof headers> = {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => carrier[key],
  };
  const context = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, getter));
  return context ? { context, attributes: { 'link.reason': 'caller' } } : undefined;
}
