import { createApp, type App } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';
import { authPlugin, type AuthPluginOptions } from '../src/index.js';

/** A service as any Bazaar service uses the plugin: a user route and an admin route. */
export async function buildGuardedApp(
  options: AuthPluginOptions,
  logStream?: { write(line: string): void },
): Promise<App> {
  const app = await createApp({
    name: 'auth-test',
    version: '0.0.0',
    logLevel: logStream ? 'debug' : 'silent',
    logStream,
  });
  await app.register(authPlugin, options);
  app.get(
    '/v1/me',
    {
      preHandler: app.requireUser,
      schema: {
        response: {
          200: Type.Object({ id: Type.String(), roles: Type.Array(Type.String()) }),
        },
      },
    },
    async (request) => ({ id: request.user!.id, roles: request.user!.roles }),
  );
  app.post(
    '/v1/admin/things',
    {
      onRequest: app.requireRole('admin'),
      schema: { body: Type.Object({ name: Type.String() }) },
    },
    async (request) => ({ by: request.user!.id, name: request.body.name }),
  );
  await app.ready();
  return app;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
