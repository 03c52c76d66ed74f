import { problemResponses } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

/*
 * Only types and sizes are checked here; the card rules (Luhn, expiry, CVC) live in the domain
 * so that every message names the field and none repeats what was typed.
 */
export const CreatePaymentMethodBody = Type.Object({
  card: Type.Object({
    number: Type.String({
      minLength: 1,
      maxLength: 32,
      description: '12 to 19 digits; spaces or dashes between groups are allowed',
      examples: ['4242424242424242'],
    }),
    expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
    expYear: Type.Integer({ minimum: 2000, maximum: 9999, description: 'four digits' }),
    cvc: Type.String({ minLength: 1, maxLength: 8, description: '3 or 4 digits' }),
  }),
});
export type CreatePaymentMethodBody = Static<typeof CreatePaymentMethodBody>;

export const PaymentMethod = Type.Object({
  id: Type.String({ format: 'uuid', description: 'the payment-method token orders carry' }),
  brand: Type.String({ examples: ['visa'] }),
  last4: Type.String({ pattern: '^[0-9]{4}$' }),
  expMonth: Type.Integer(),
  expYear: Type.Integer(),
});

export const CreatePaymentMethodHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        "The shopper's key for this card: sent again with the same card, the same method comes " +
        'back (`idempotent-replayed: true`); with another card, 422.',
    }),
  ),
});

export const PaymentMethodParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const getPaymentMethodSchema = {
  operationId: 'getPaymentMethod',
  summary: "One of the shopper's payment methods",
  description:
    'What the storefront checks before a checkout with a saved method: a method of another ' +
    'shopper is 404, as if it did not exist.',
  tags: ['payment methods'],
  security: [{ bearerAuth: [] }],
  params: PaymentMethodParams,
  response: { 200: PaymentMethod, ...problemResponses([400, 401, 404]) },
};

export const createPaymentMethodSchema = {
  operationId: 'savePaymentMethod',
  summary: 'Exchange card details for a payment-method token',
  description:
    "Called by the storefront (a saved card, or a card sent at checkout) with the shopper's token " +
    'and Idempotency-Key. The card is validated (Luhn, ' +
    'expiry not passed, CVC of 3-4 digits) and vaulted with the payment provider; only the ' +
    'provider token, brand, last four digits and expiry are kept. Errors name the failing field ' +
    'and never echo its value.',
  tags: ['payment methods'],
  security: [{ bearerAuth: [] }],
  headers: CreatePaymentMethodHeaders,
  body: CreatePaymentMethodBody,
  response: { 201: PaymentMethod, ...problemResponses([400, 401, 422, 503]) },
};
