import { tagSpan } from '@bazaar/telemetry';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authErrors } from './errors.js';
import type { AuthUser, Role } from './user.js';
import { cachedTokenVerifier } from './verified-tokens.js';
import { createTokenVerifier, type VerifierOptions } from './verifier.js';

/**
 * A route guard: `{ preHandler: app.requireUser }`, or `{ onRequest: app.requireUser }` to
 * refuse an anonymous caller before its body is even parsed and validated (401 before 400).
 */
export type AuthGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Guard: a valid access token is required (401 otherwise); sets `request.user`. */
    requireUser: AuthGuard;
    /** Guard: a valid access token carrying `role` (401 without a valid token, 403 without the role). */
    requireRole(role: Role): AuthGuard;
    /** Checks a token outside a route guard (a WebSocket, a message); throws 401/503 AppErrors. */
    verifyAccessToken(token: string): Promise<AuthUser>;
  }
  interface FastifyRequest {
    /** The authenticated caller, set by `requireUser` / `requireRole`. */
    user?: AuthUser;
  }
}

export type AuthPluginOptions = VerifierOptions;

const BEARER = /^Bearer +([^\s]+) *$/i;

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  // Each token verified once per process; trusted no longer than the key set is, so a removed
  // key stops its tokens as soon as it would without the cache.
  const verifier = cachedTokenVerifier(
    createTokenVerifier({
      onJwksError: (error) => app.log.warn({ err: error }, 'JWKS fetch failed'),
      ...options,
    }),
    { maxAgeMs: Math.min(60_000, options.jwksMaxAgeMs ?? 60_000) },
  );

  const requireUser: AuthGuard = async (request) => {
    if (request.user) return;
    const header = request.headers.authorization;
    if (!header) throw authErrors.unauthenticated('a bearer token is required', null);
    const match = BEARER.exec(header);
    if (!match) throw authErrors.unauthenticated('the authorization header is not a bearer token');
    request.user = await verifier.verify(match[1]);
    // The shopper's id on the request's span: Jaeger's tag search finds their traces by it.
    tagSpan({ userId: request.user.id });
  };

  app.decorateRequest('user', undefined);
  app.decorate('requireUser', requireUser);
  app.decorate('requireRole', (role: Role): AuthGuard => async (request, reply) => {
    await requireUser(request, reply);
    if (!request.user!.roles.includes(role)) throw authErrors.forbidden(role);
  });
  app.decorate('verifyAccessToken', (token: string) => verifier.verify(token));
};

/**
 * Verifies Bazaar access tokens in any service:
 * `await app.register(authPlugin, { jwksUrl, issuer: 'bazaar-users', audience: 'bazaar' })`,
 * then `{ preHandler: app.requireUser }` or `{ preHandler: app.requireRole('admin') }`.
 */
export const authPlugin = fp(plugin, { name: '@bazaar/auth', fastify: '5.x' });

/** An OpenAPI security scheme for guarded routes (`components.securitySchemes.bearerAuth`). */
export const bearerAuthScheme = {
  bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
} as const;
