import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { businessAttributes, recordSpanError } from '@bazaar/telemetry';

const TRACER = '@bazaar/messaging';

/**
 * The business ids an event's data names (`orderId`, `userId`, `productId`, `paymentId`, or a
 * `product` document's id) as span attributes, so an order's saga is found by `order.id` at
 * every hop. Ids only: nothing else of the data reaches a span.
 */
export function eventIdAttributes(data: unknown): Record<string, string> {
  const fields = (data ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return businessAttributes({
    orderId: text(fields.orderId),
    userId: text(fields.userId),
    productId: text(fields.productId) ?? text((fields.product as { id?: unknown } | undefined)?.id),
    paymentId: text(fields.paymentId),
  });
}

export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The active trace context as W3C headers (empty when nothing is traced). */
export function currentTraceContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

/** A context whose parent is the W3C `traceparent`/`tracestate` found in `carrier`. */
export function contextFrom(carrier: Record<string, unknown> | undefined): Context {
  const headers: Record<string, string> = {};
  for (const key of ['traceparent', 'tracestate']) {
    const value = carrier?.[key];
    if (typeof value === 'string') headers[key] = value;
    else if (Buffer.isBuffer(value)) headers[key] = value.toString();
  }
  return propagation.extract(ROOT_CONTEXT, headers);
}

export interface MessageSpanInfo {
  exchange: string;
  routingKey: string;
  messageId: string;
  /** Bytes of the message body. */
  size: number;
}

/** The attributes a message's publish and process spans share (OpenTelemetry's conventions). */
function messageAttributes(info: MessageSpanInfo): Attributes {
  return {
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': info.exchange,
    'messaging.rabbitmq.destination.routing_key': info.routingKey,
    'messaging.message.id': info.messageId,
    'messaging.message.body.size': info.size,
  };
}

/**
 * The PRODUCER span of one publish, following OpenTelemetry's messaging conventions: named
 * `publish <exchange>`, a child of the context the event was written in.
 */
export function startPublishSpan(parent: Context, info: MessageSpanInfo): Span {
  return trace.getTracer(TRACER).startSpan(
    `publish ${info.exchange}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        ...messageAttributes(info),
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'publish',
      },
    },
    parent,
  );
}

/** The CONSUMER span of handling one delivery: `process <queue>`, child of the message's context. */
export function startProcessSpan(
  parent: Context,
  info: MessageSpanInfo & { queue: string; deliveryTag: number; redelivered: boolean },
): Span {
  return trace.getTracer(TRACER).startSpan(
    `process ${info.queue}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...messageAttributes(info),
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.subscription.name': info.queue,
        'messaging.rabbitmq.message.delivery_tag': info.deliveryTag,
        'messaging.rabbitmq.message.redelivered': info.redelivered,
      },
    },
    parent,
  );
}

/** Ends a span, marking it failed when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    recordSpanError(span, error);
    span.setAttribute(
      'error.type',
      error instanceof Error ? error.name : typeof error === 'string' ? error : 'unknown',
    );
  }
  span.end();
}

/**
 * Ends the span of a publish the broker returned because no queue is bound to its type: an
 * event (`unrouted`, with the broker's reply) and `messaging.bazaar.unrouted`, status left unset.
 * Such an event is kept in the outbox, not retried: not an error of the publish.
 */
export function endUnroutedSpan(span: Span, replyText: string): void {
  span.setAttribute('messaging.bazaar.unrouted', true);
  span.addEvent('unrouted', { 'messaging.rabbitmq.reply_text': replyText });
  span.end();
}
