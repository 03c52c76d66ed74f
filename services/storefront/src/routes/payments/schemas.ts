import { Type } from '@sinclair/typebox';

export const WebhookParams = Type.Object({
  provider: Type.String({ pattern: '^[a-z0-9-]{1,32}$', examples: ['test'] }),
});

export const WebhookHeaders = Type.Object({
  'bazaar-signature': Type.Optional(
    Type.String({
      maxLength: 1000,
      description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<raw body>">`',
      examples: [
        't=1795000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
      ],
    }),
  ),
});

export const WebhookReceipt = Type.Object({
  received: Type.Literal(true),
  eventId: Type.String(),
  duplicate: Type.Boolean({ description: 'true when this event id was handled before' }),
  outcome: Type.Union(
    ['applied', 'no_change', 'unknown_payment', 'ignored'].map((v) => Type.Literal(v)),
  ),
});
