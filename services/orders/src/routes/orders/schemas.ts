import { Uuid, uuidWith } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';
import { ORDER_STATUSES } from '../../domain/order-state.js';

export const MoneySchema = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, description: 'minor units (cents)' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
  { additionalProperties: false },
);

export const OrderStatusSchema = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));

export const ShippingAddressSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  line1: Type.String({ minLength: 1, maxLength: 200 }),
  line2: Type.Optional(Type.String({ maxLength: 200 })),
  city: Type.String({ minLength: 1, maxLength: 100 }),
  postalCode: Type.String({ minLength: 1, maxLength: 20 }),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
});

/** A price a client may send along with a line or the order: accepted, and ignored. */
const IgnoredPrice = Type.Unknown({
  description: 'Ignored: orders prices every line at catalog, whatever a client sends.',
  deprecated: true,
});

export const CheckoutBody = Type.Object({
  items: Type.Optional(
    Type.Array(
      Type.Object({
        productId: Uuid,
        quantity: Type.Integer({ minimum: 1, maximum: 99 }),
        unitPrice: Type.Optional(IgnoredPrice),
        price: Type.Optional(IgnoredPrice),
      }),
      { minItems: 1, maxItems: 100 },
    ),
  ),
  cartId: Type.Optional(Uuid),
  shippingAddress: ShippingAddressSchema,
  payment: Type.Object({
    methodId: uuidWith({ description: "payments' payment-method token" }),
    brand: Type.String({ minLength: 1, maxLength: 32 }),
    last4: Type.String({ pattern: '^[0-9]{4}$' }),
  }),
  total: Type.Optional(IgnoredPrice),
});
export type CheckoutBody = Static<typeof CheckoutBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7E]+$',
    description: 'Required. One key per intended order; a retry sends the same key and body.',
  }),
});

export const OrderSchema = Type.Object({
  id: Uuid,
  userId: Uuid,
  status: OrderStatusSchema,
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  lines: Type.Array(
    Type.Object({
      productId: Uuid,
      sku: Type.String(),
      name: Type.String(),
      quantity: Type.Integer(),
      unitPrice: MoneySchema,
      lineTotal: MoneySchema,
    }),
  ),
  total: MoneySchema,
  statusHistory: Type.Array(
    Type.Object({
      status: OrderStatusSchema,
      reason: Type.String(),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
  shippingAddress: ShippingAddressSchema,
  payment: Type.Object({ brand: Type.String(), last4: Type.String() }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const OrderParams = Type.Object({ id: Uuid });

export const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const OrderPageSchema = Type.Object({
  items: Type.Array(OrderSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const EventStreamHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: 'resume after this event' }),
  ),
});
