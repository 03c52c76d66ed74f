import type { App } from '@bazaar/service-kit';
import { handleProviderWebhook } from '../../domain/handle-webhook.js';
import type { RouteDeps } from '../route-deps.js';
import { webhookSchema } from './schemas.js';

const WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * `POST /v1/payments/webhooks/:provider`, registered as its own encapsulated plugin: every
 * content type is read as a raw Buffer here (the signature covers the exact bytes sent), while
 * the rest of the app keeps parsing JSON as usual.
 */
export async function webhookRoutes(app: App, { db, ctx }: RouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post('/v1/payments/webhooks/:provider', { schema: webhookSchema }, async (request) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const receipt = await handleProviderWebhook(
      { ...ctx, log: request.log },
      db,
      request.params.provider,
      { rawBody, headers: request.headers },
    );
    return { received: true as const, ...receipt };
  });
}
