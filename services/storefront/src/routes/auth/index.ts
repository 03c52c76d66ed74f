import type { App } from '@bazaar/service-kit';
import { bearer, problems } from '../common-schemas.js';
import { forward } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { LoginBody, RefreshBody, RegisterBody, Tokens } from './schemas.js';

const tags = ['auth'];

/** `/v1/auth/*`: accounts and tokens, answered by the users service; stricter rate limits. */
export async function authRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  const { users } = upstreams;

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
      forward(request, reply, users, {
        method: 'POST',
        path: '/v1/auth/register',
        body: request.body,
      }),
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
      forward(request, reply, users, {
        method: 'POST',
        path: '/v1/auth/login',
        body: request.body,
      }),
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
      forward(request, reply, users, {
        method: 'POST',
        path: '/v1/auth/refresh',
        body: request.body,
      }),
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
      forward(request, reply, users, {
        method: 'POST',
        path: '/v1/auth/logout',
        body: request.body,
      }),
  );
}
