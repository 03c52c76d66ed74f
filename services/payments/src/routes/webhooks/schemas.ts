import { problemResponses } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';

export const WebhookParams = Type.Object({
  provider: Type.String({ pattern: '^[a-z0-9-]{1,32}$', examples: ['test'] }),
});

export const WebhookReceipt = Type.Object({
  received: Type.Literal(true),
  eventId: Type.String(),
  duplicate: Type.Boolean({ description: 'true when this event id was handled before' }),
  outcome: Type.Union(
    ['applied', 'no_change', 'unknown_payment', 'ignored'].map((v) => Type.Literal(v)),
  ),
});

export const webhookSchema = {
  operationId: 'receivePaymentWebhook',
  summary: 'Receive a payment provider notification',
  description:
    'Signed by the provider: header `Bazaar-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`, ' +
    "where each v1 is HMAC-SHA256 over `${t}.${rawBody}` with one of the endpoint's secrets. " +
    'A missing or wrong signature, or a timestamp more than 5 minutes away, is 400 with no ' +
    'effect; an event id seen before is acknowledged again without effect; an unknown ' +
    'provider is 404.',
  tags: ['webhooks'],
  params: WebhookParams,
  headers: Type.Object({ 'bazaar-signature': Type.Optional(Type.String()) }),
  response: { 200: WebhookReceipt, ...problemResponses([400, 404]) },
};
