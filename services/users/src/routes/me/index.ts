import { problemResponses, type App } from '@bazaar/service-kit';
import { getProfile, updateProfile } from '../../domain/profile.js';
import { bearerSecurity, UserSchema } from '../shared-schemas.js';
import { PatchMeBody } from './schemas.js';
import type { RouteDeps } from '../route-deps.js';

const tags = ['me'];

/** `GET/PATCH /v1/me`: the signed-in user's profile. */
export async function meRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get(
    '/v1/me',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        operationId: 'getProfile',
        summary: 'The signed-in user',
        description: "The signed-in user's profile.",
        security: bearerSecurity,
        response: { 200: UserSchema, ...problemResponses([401, 404], { ref: true }) },
      },
    },
    async (request) => getProfile(ctx, request.user!.id),
  );

  app.patch(
    '/v1/me',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        operationId: 'updateProfile',
        summary: "Change the signed-in user's name",
        description: "Changes the signed-in user's name and answers the profile as changed.",
        security: bearerSecurity,
        body: PatchMeBody,
        response: { 200: UserSchema, ...problemResponses([400, 401, 404], { ref: true }) },
      },
    },
    async (request) => updateProfile(ctx, request.user!.id, request.body),
  );
}
