import type { App } from '@bazaar/service-kit';
import { problems } from '../common-schemas.js';
import { passOn, relay, segment } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { WebhookHeaders, WebhookParams, WebhookReceipt } from './schemas.js';

const WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * `POST /v1/payments/webhooks/:provider`, in its own encapsulated plugin: the body is read as
 * raw bytes and passed on to payments byte for byte, with the signature header, because the
 * HMAC covers the exact bytes. payments verifies the signature; the storefront only relays.
 */
export async function paymentWebhookRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/v1/payments/webhooks/:provider',
    {
      schema: {
        tags: ['payments'],
        operationId: 'receivePaymentWebhook',
        summary: 'Payment provider notifications (signed)',
        description:
          'Signed by the provider with `Bazaar-Signature`; a missing or wrong signature, or a ' +
          'timestamp more than 5 minutes away, is 400 with no effect. Event ids are deduplicated.',
        params: WebhookParams,
        headers: WebhookHeaders,
        response: { 200: WebhookReceipt, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const signature = request.headers['bazaar-signature'];
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return relay(
        request,
        reply,
        await upstreams.payments.request({
          method: 'POST',
          path: `/v1/payments/webhooks/${segment(request.params.provider)}`,
          rawBody: {
            contentType: request.headers['content-type'] ?? 'application/json',
            data: raw,
          },
          headers: {
            ...passOn(request),
            'bazaar-signature': typeof signature === 'string' ? signature : undefined,
          },
        }),
      );
    },
  );
}
