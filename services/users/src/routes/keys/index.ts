import { problemResponses, type App } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';
import { bearerSecurity } from '../shared-schemas.js';
import type { RouteDeps } from '../route-deps.js';

/** `POST /internal/keys/rotate` (admin): publish the next signing key now, ahead of schedule. */
export async function keyRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.post(
    '/internal/keys/rotate',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['internal'],
        operationId: 'rotateSigningKey',
        summary: 'Publish the next signing key (it signs after the publish delay)',
        description:
          'Publishes the next signing key in the JWKS now, ahead of schedule (admin only); it starts signing once the publish delay has passed, so verifiers have fetched it first.',
        security: bearerSecurity,
        response: {
          200: Type.Object({ kid: Type.String(), publishedKids: Type.Array(Type.String()) }),
          ...problemResponses([400, 401, 403, 409], { ref: true }),
        },
      },
    },
    async (request) => {
      const kid = await ctx.keys.rotate(ctx.now());
      request.log.info({ kid }, 'signing key rotation started');
      return { kid, publishedKids: ctx.keys.jwks().keys.map((k) => k.kid!) };
    },
  );
}
