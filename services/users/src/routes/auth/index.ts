import { problemResponses, type App } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';
import { login } from '../../domain/login.js';
import { logout, refresh } from '../../domain/refresh.js';
import { register } from '../../domain/register.js';
import { LoginBody, RefreshBody, RegisterBody, TokenPairReply } from './schemas.js';
import type { RouteDeps } from '../route-deps.js';

const tags = ['auth'];

/** `POST /v1/auth/register|login|refresh|logout`. */
export async function authRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.post(
    '/v1/auth/register',
    {
      schema: {
        tags,
        operationId: 'registerAccount',
        summary: 'Create a customer account and sign in',
        description:
          'A taken email is a 409 and counts against the client address like a failed login ' +
          '(429 with Retry-After past the limit).',
        body: RegisterBody,
        response: { 201: TokenPairReply, ...problemResponses([400, 409, 429], { ref: true }) },
      },
    },
    async (request, reply) => {
      const tokens = await register(ctx, { ...request.body, ip: request.ip });
      request.log.info({ userId: tokens.user.id }, 'user registered');
      return reply.code(201).send(tokens);
    },
  );

  app.post(
    '/v1/auth/login',
    {
      schema: {
        tags,
        operationId: 'logIn',
        summary: 'Sign in with email and password',
        description:
          'Signs in with email and password and answers a new access token and refresh token. 401 when they do not match; repeated failures are rate limited (429).',
        body: LoginBody,
        response: { 200: TokenPairReply, ...problemResponses([400, 401, 429], { ref: true }) },
      },
    },
    async (request) => {
      const tokens = await login(ctx, { ...request.body, ip: request.ip });
      request.log.info({ userId: tokens.user.id }, 'user logged in');
      return tokens;
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      schema: {
        tags,
        operationId: 'refreshTokens',
        summary: 'Spend a refresh token for a new token pair',
        description: 'A refresh token works once; presenting a spent one revokes its whole family.',
        body: RefreshBody,
        response: { 200: TokenPairReply, ...problemResponses([400, 401], { ref: true }) },
      },
    },
    async (request) =>
      refresh(ctx, request.body.refreshToken, (reuse) =>
        request.log.warn(reuse, 'spent refresh token presented again: family revoked'),
      ),
  );

  app.post(
    '/v1/auth/logout',
    {
      schema: {
        tags,
        operationId: 'logOut',
        summary: "Revoke the refresh token's family",
        description:
          'Revokes the refresh token and every token of its family, ending the session it started.',
        body: RefreshBody,
        response: { 204: Type.Null(), ...problemResponses([400], { ref: true }) },
      },
    },
    async (request, reply) => {
      const revoked = await logout(ctx, request.body.refreshToken);
      if (revoked) request.log.info(revoked, 'user logged out');
      return reply.code(204).send(null);
    },
  );
}
