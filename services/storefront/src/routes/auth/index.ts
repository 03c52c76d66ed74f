import type { App } from '@bazaar/service-kit';
import { bearer, problems } from '../common-schemas.js';
import { passOn, relay } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { LoginBody, RefreshBody, RegisterBody, Tokens } from './schemas.js';

const tags = ['auth'];

/** `/v1/auth/*`: accounts and tokens, answered by the users service; stricter rate limits. */
export async function authRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  const forward = (path: string, body: unknown, request: Parameters<typeof passOn>[0]) =>
    upstreams.users.request({ method: 'POST', path, body, headers: passOn(request) });

  app.post(
    '/v1/auth/register',
    {
      onRequest: app.limitAuth,
      schema: {
        tags,
        summary: 'Create an account',
        body: RegisterBody,
        response: { 201: Tokens, ...problems(400, 409) },
      },
    },
    async (request, reply) =>
      relay(request, reply, await forward('/v1/auth/register', request.body, request)),
  );

  app.post(
    '/v1/auth/login',
    {
      onRequest: app.limitAuth,
      schema: {
        tags,
        summary: 'Log in with email and password',
        body: LoginBody,
        response: { 200: Tokens, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      relay(request, reply, await forward('/v1/auth/login', request.body, request)),
  );

  app.post(
    '/v1/auth/refresh',
    {
      onRequest: app.limitAuth,
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new pair',
        description: 'The refresh token is spent; using a spent one revokes its whole family.',
        body: RefreshBody,
        response: { 200: Tokens, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      relay(request, reply, await forward('/v1/auth/refresh', request.body, request)),
  );

  app.post(
    '/v1/auth/logout',
    {
      onRequest: app.limitAuth,
      preValidation: [app.requireUser, app.limitPerUser],
      schema: {
        tags,
        summary: 'Revoke a refresh token',
        security: bearer,
        body: RefreshBody,
        response: { 204: { description: 'Logged out', type: 'null' }, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      relay(request, reply, await forward('/v1/auth/logout', request.body, request)),
  );
}
