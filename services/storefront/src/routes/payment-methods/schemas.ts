import { Type } from '@sinclair/typebox';
import { Uuid } from '../common-schemas.js';

export const Card = Type.Object(
  {
    number: Type.String({
      minLength: 12,
      maxLength: 32,
      pattern: '^[0-9][0-9 -]*[0-9]$',
      description: '12 to 19 digits, spaces or dashes allowed; never stored or logged whole',
      examples: ['4242424242424242'],
    }),
    expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
    expYear: Type.Integer({ minimum: 2000, maximum: 2100 }),
    cvc: Type.String({ pattern: '^[0-9]{3,4}$' }),
  },
  { description: 'Exchanged at payments for a payment method; only brand and last four stay' },
);
export const SavePaymentMethodBody = Type.Object(
  { card: Card },
  {
    examples: [{ card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } }],
  },
);

export const SavePaymentMethodHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7E]+$',
    description:
      'Required. One key per card saved; a retry sends the same key and card and gets the same method (`Idempotent-Replayed: true`); the same key with another card is a 422.',
    examples: ['0b6e4f38-card-4242'],
  }),
});

export const PaymentMethod = Type.Object(
  {
    id: Uuid,
    brand: Type.String({ examples: ['visa'] }),
    last4: Type.String({ pattern: '^[0-9]{4}$', examples: ['4242'] }),
  },
  { description: 'A saved card: what checkout takes as `payment.methodId`' },
);
