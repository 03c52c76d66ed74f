import type { App } from '@bazaar/service-kit';
import type { RouteDeps } from '../route-deps.js';
import { JwksReply } from './schemas.js';
import type { Static } from '@sinclair/typebox';

/** `GET /.well-known/jwks.json`: the public keys that verify access tokens. */
export async function jwksRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get(
    '/.well-known/jwks.json',
    {
      logLevel: 'warn',
      schema: {
        tags: ['auth'],
        operationId: 'getJwks',
        summary: 'Public keys of access tokens (JWKS)',
        description:
          'The public keys that verify access tokens, as a JSON Web Key Set; a new key is published here before it signs.',
        response: { 200: JwksReply },
      },
    },
    async (_request, reply) => {
      // Short: verifiers also refetch on an unknown kid, but caches in between should not lag.
      reply.header('cache-control', 'public, max-age=60');
      return ctx.keys.jwks() as Static<typeof JwksReply>;
    },
  );
}
