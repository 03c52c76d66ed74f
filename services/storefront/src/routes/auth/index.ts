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
        operationId: 'registerAccount',
        summary: 'Create an account',
        description:
          'Creates a customer account and signs it in: the answer carries an access token and a refresh token. 409 when the email is already registered.',
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
        operationId: 'logIn',
        summary: 'Log in with email and password',
        description:
          'Signs in with email and password and answers a new access token and refresh token. 401 when they do not match; repeated failures are rate limited (429).',
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
        operationId: 'refreshTokens',
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
        operationId: 'logOut',
        summary: 'Revoke a refresh token',
        description:
          'Revokes the refresh token (and the family it belongs to), ending the session it started.',
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
