import { Type, type TSchema } from '@sinclair/typebox';
import { Id, Money, Timestamp } from './common.js';

/*
 * The event catalogue. Each event is a past-tense fact with a schema per version. Producers
 * publish the `current` version; consumers accept every version listed. A change that would
 * break a consumer (a removed or retyped field, a newly required one) is a new version, with
 * the old one kept here until no producer sends it.
 */

const ProductDocument = Type.Object({
  id: Id,
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  brand: Type.String(),
  /** The product's category and its ancestors' ids (root first), for sub-category filters. */
  category: Type.Union([
    Type.Null(),
    Type.Object({ id: Id, name: Type.String(), ancestorIds: Type.Array(Id) }),
  ]),
  price: Money,
  stock: Type.Object({ available: Type.Integer({ minimum: 0 }) }),
  attributes: Type.Record(Type.String(), Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Grows by one with every change; consumers ignore a document older than the one they hold. */
  version: Type.Integer({ minimum: 1 }),
});

const OrderLine = Type.Object({
  productId: Id,
  quantity: Type.Integer({ minimum: 1 }),
  unitPrice: Money,
});

const ReservedLine = Type.Object({ productId: Id, quantity: Type.Integer({ minimum: 1 }) });

export const CancelReason = Type.Union([
  Type.Literal('out_of_stock'),
  Type.Literal('payment_declined'),
  Type.Literal('customer_cancelled'),
  Type.Literal('timeout'),
]);

export const PaymentFailureReason = Type.Union([
  Type.Literal('declined'),
  Type.Literal('insufficient_funds'),
  Type.Literal('provider_error'),
  Type.Literal('expired_card'),
]);

function event<S extends TSchema>(schema: S) {
  return { current: 1 as const, versions: { 1: schema } };
}

export const Events = {
  'product.created': event(Type.Object({ product: ProductDocument })),
  'product.updated': event(Type.Object({ product: ProductDocument })),
  'product.deleted': event(Type.Object({ productId: Id, version: Type.Integer({ minimum: 1 }) })),

  /** Checkout accepted an order at authoritative prices; catalog reserves its stock. */
  'order.created': event(
    Type.Object({
      orderId: Id,
      userId: Id,
      lines: Type.Array(OrderLine, { minItems: 1 }),
      total: Money,
      /** The payment-method token from payments; never card data. */
      paymentMethodId: Id,
    }),
  ),
  'order.confirmed': event(Type.Object({ orderId: Id, userId: Id, total: Money })),
  /** Compensation: catalog releases what the order reserved, payments voids or refunds. */
  'order.cancelled': event(Type.Object({ orderId: Id, userId: Id, reason: CancelReason })),
  'order.shipped': event(Type.Object({ orderId: Id, userId: Id })),

  /**
   * Every line of the order is reserved. Carries what payments needs to authorize (the order's
   * total and payment method, echoed from `order.created`), so the saga has no ordering race.
   */
  'stock.reserved': event(
    Type.Object({
      orderId: Id,
      userId: Id,
      lines: Type.Array(ReservedLine, { minItems: 1 }),
      total: Money,
      paymentMethodId: Id,
    }),
  ),
  /** Nothing was reserved: at least one line was short (or its product unknown). */
  'stock.rejected': event(
    Type.Object({
      orderId: Id,
      userId: Id,
      shortages: Type.Array(
        Type.Object({
          productId: Id,
          requested: Type.Integer({ minimum: 1 }),
          available: Type.Integer({ minimum: 0 }),
        }),
        { minItems: 1 },
      ),
    }),
  ),

  'payment.authorized': event(
    Type.Object({ orderId: Id, paymentId: Id, amount: Money, provider: Type.String() }),
  ),
  'payment.failed': event(
    Type.Object({
      orderId: Id,
      paymentId: Id,
      reason: PaymentFailureReason,
      message: Type.String(),
    }),
  ),
  'payment.refunded': event(
    Type.Object({ orderId: Id, paymentId: Id, amount: Money, provider: Type.String() }),
  ),
  /**
   * An order shipped but its payment could not be captured: the payment failed, or was voided
   * or refunded before, or there never was one (`not_authorized`). The goods left unpaid. Once
   * per order.
   */
  'payment.capture_failed': event(
    Type.Object({
      orderId: Id,
      /** Null when the order never had a payment. */
      paymentId: Type.Union([Id, Type.Null()]),
      reason: Type.Union([Type.Literal('not_authorized')]),
      /** The payment's status when the capture was asked for (`voided`, `refunded`, `failed`, `none`). */
      paymentStatus: Type.String(),
    }),
  ),

  'user.registered': event(Type.Object({ userId: Id, email: Type.String(), name: Type.String() })),
};
