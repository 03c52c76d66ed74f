import { problemResponses, Uuid } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';

const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });

export const OrderParams = Type.Object({ id: Uuid });

const Attempt = Type.Object({
  id: Type.String(),
  operation: oneOf(['authorize', 'capture', 'void', 'refund'] as const),
  outcome: oneOf(['succeeded', 'declined', 'error'] as const),
  source: Type.Union([Type.Literal('saga'), Type.Literal('webhook')]),
  amount: Type.Union([Money, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

const Payment = Type.Object({
  id: Type.String(),
  status: oneOf(['authorized', 'failed', 'captured', 'voided', 'refunded'] as const),
  amount: Money,
  provider: Type.String(),
  providerReference: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  paymentMethod: Type.Union([
    Type.Object({ id: Type.String(), brand: Type.String(), last4: Type.String() }),
    Type.Null(),
  ]),
  failure: Type.Union([
    Type.Object({ reason: Type.String(), message: Type.String() }),
    Type.Null(),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  attempts: Type.Array(Attempt),
});

export const Ledger = Type.Object({ orderId: Type.String(), items: Type.Array(Payment) });

const response = {
  200: Ledger,
  ...problemResponses([400, 401, 403, 404]),
};

export const ownerLedgerSchema = {
  operationId: 'getOrderPayments',
  summary: "An order's payment ledger (its owner)",
  description:
    'Every payment of the order with each provider attempt (authorize, capture, void, refund), ' +
    "its outcome and amount. Another shopper's order, or one payments has not seen yet, is 404.",
  tags: ['payments'],
  security: [{ bearerAuth: [] }],
  params: OrderParams,
  response,
};

export const adminLedgerSchema = {
  operationId: 'getAdminOrderPayments',
  summary: "An order's payment ledger (admin)",
  description: 'As the owner sees it, plus the provider reference of each payment.',
  tags: ['payments'],
  security: [{ bearerAuth: [] }],
  params: OrderParams,
  response,
};
