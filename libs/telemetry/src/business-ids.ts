import { trace, type Span } from '@opentelemetry/api';

/** The ids SREs search traces by. Ids only: never names, emails, addresses or card data. */
export interface BusinessIds {
  orderId?: string;
  userId?: string;
  productId?: string;
  paymentId?: string;
}

const ATTRIBUTES: Record<keyof BusinessIds, string> = {
  orderId: 'order.id',
  userId: 'user.id',
  productId: 'product.id',
  paymentId: 'payment.id',
};

/** The span attributes for the given ids (`order.id`, `user.id`, ...), missing ones left out. */
export function businessAttributes(ids: BusinessIds): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const key of Object.keys(ATTRIBUTES) as (keyof BusinessIds)[]) {
    const value = ids[key];
    if (typeof value === 'string' && value) attributes[ATTRIBUTES[key]] = value;
  }
  return attributes;
}

/**
 * Puts business ids on a span (the active one by default), so Jaeger's tag search finds an
 * order's trace from its id. A no-op when nothing is traced.
 */
export function tagSpan(ids: BusinessIds, span: Span | undefined = trace.getActiveSpan()): void {
  span?.setAttributes(businessAttributes(ids));
}
