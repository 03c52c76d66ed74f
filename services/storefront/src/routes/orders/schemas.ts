import { Type } from '@sinclair/typebox';
import {
  DateTime,
  Money,
  NextCursor,
  PageQuery,
  ShippingAddress,
  Uuid,
} from '../common-schemas.js';
import { Card } from '../payment-methods/schemas.js';

export const OrderStatus = Type.Union(
  ['pending', 'stock_reserved', 'confirmed', 'shipped', 'cancelled'].map((s) => Type.Literal(s)),
  { examples: ['confirmed'] },
);

export const OrderLine = Type.Object({
  productId: Uuid,
  sku: Type.String(),
  name: Type.String(),
  quantity: Type.Integer({ minimum: 1 }),
  unitPrice: Money,
  lineTotal: Money,
});

export const StatusChange = Type.Object({
  status: OrderStatus,
  reason: Type.String({
    description:
      'placed, stock_reserved, payment_authorized, shipped, out_of_stock, payment_declined, customer_cancelled, timeout',
    examples: ['payment_authorized'],
  }),
  at: DateTime,
});

const orderFields = {
  id: Uuid,
  status: OrderStatus,
  cancelReason: Type.Union([Type.String(), Type.Null()], {
    description: 'out_of_stock, payment_declined, customer_cancelled or timeout once cancelled',
  }),
  lines: Type.Array(OrderLine),
  total: Money,
  statusHistory: Type.Array(StatusChange),
  shippingAddress: ShippingAddress,
  payment: Type.Object({
    brand: Type.String({ examples: ['visa'] }),
    last4: Type.String({ examples: ['4242'] }),
  }),
  createdAt: DateTime,
  updatedAt: DateTime,
};

export const Order = Type.Object(orderFields, { description: 'An order with its status history' });
export const OrderPage = Type.Object({ items: Type.Array(Order), nextCursor: NextCursor });

export const AdminOrder = Type.Object(
  { ...orderFields, userId: Uuid },
  { description: 'An order as admins see it (with its shopper)' },
);
export const AdminOrderPage = Type.Object({
  items: Type.Array(AdminOrder),
  nextCursor: NextCursor,
});

export const ListOrdersQuery = Type.Object({ ...PageQuery });
export const AdminListOrdersQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(OrderStatus),
});

export const CheckoutBody = Type.Object(
  {
    items: Type.Optional(
      Type.Array(
        Type.Object({ productId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 99 }) }),
        { minItems: 1, maxItems: 100, description: 'The lines; or give cartId' },
      ),
    ),
    cartId: Type.Optional(
      Type.Union([Uuid], { description: 'Check out this cart; or give items' }),
    ),
    shippingAddress: ShippingAddress,
    payment: Type.Object(
      {
        methodId: Type.Optional(
          Type.Union([Uuid], {
            description: 'A saved payment method (`POST /v1/payment-methods`): the usual way',
          }),
        ),
        card: Type.Optional(
          Type.Union([Card], {
            description: 'A card, exchanged at payments for a method first (one step)',
          }),
        ),
      },
      { minProperties: 1, maxProperties: 1, description: 'Exactly one of methodId and card' },
    ),
  },
  {
    description:
      'Exactly one of items and cartId. Prices come from the catalog, never from the client.',
    examples: [
      {
        items: [{ productId: '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77', quantity: 2 }],
        shippingAddress: {
          name: 'Ada Lovelace',
          line1: '12 Market Street',
          city: 'Lyon',
          postalCode: '69001',
          country: 'FR',
        },
        payment: { methodId: '01936f5e-2222-7000-8000-000000000001' },
      },
      {
        items: [{ productId: '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77', quantity: 2 }],
        shippingAddress: {
          name: 'Ada Lovelace',
          line1: '12 Market Street',
          city: 'Lyon',
          postalCode: '69001',
          country: 'FR',
        },
        payment: { card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } },
      },
    ],
  },
);

export const CheckoutHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7E]+$',
    description:
      'Required. One key per intended order; a retry sends the same key and body and gets the first answer again (`Idempotent-Replayed: true`); the same key with another body is a 422.',
    examples: ['7b0c9a52-5f1e-4d8a-9a57-checkout'],
  }),
});

export const EventStreamHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: 'Resume after this event id' }),
  ),
});

const oneOf = (values: string[]) => Type.Union(values.map((v) => Type.Literal(v)));

const PaymentAttempt = Type.Object({
  id: Type.String(),
  operation: oneOf(['authorize', 'capture', 'void', 'refund']),
  outcome: oneOf(['succeeded', 'declined', 'error']),
  source: oneOf(['saga', 'webhook']),
  amount: Type.Union([Money, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
});

const paymentFields = {
  id: Type.String(),
  status: oneOf(['authorized', 'failed', 'captured', 'voided', 'refunded']),
  amount: Money,
  provider: Type.String({ examples: ['test'] }),
  paymentMethod: Type.Union([
    Type.Object({ id: Uuid, brand: Type.String(), last4: Type.String() }),
    Type.Null(),
  ]),
  failure: Type.Union([
    Type.Object({ reason: Type.String(), message: Type.String() }),
    Type.Null(),
  ]),
  createdAt: DateTime,
  updatedAt: DateTime,
  attempts: Type.Array(PaymentAttempt),
};

export const PaymentLedger = Type.Object(
  { orderId: Uuid, items: Type.Array(Type.Object(paymentFields)) },
  {
    description:
      'Every payment of an order with each provider attempt (authorize, capture, void, refund)',
  },
);

export const AdminPaymentLedger = Type.Object({
  orderId: Uuid,
  items: Type.Array(
    Type.Object({
      ...paymentFields,
      providerReference: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    }),
  ),
});
