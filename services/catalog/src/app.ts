import { authPlugin, bearerAuthScheme } from '@bazaar/auth';
import { pingDatabase } from '@bazaar/db';
import {
  commonAppOptions,
  createApp,
  Faults,
  messagingPlugin,
  type App,
  type MessagingOverrides,
} from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { subscribe } from './events/subscriptions.js';
import { adminRoutes } from './routes/admin/index.js';
import { categoryRoutes } from './routes/categories/index.js';
import { internalRoutes } from './routes/internal/index.js';
import { productRoutes } from './routes/products/index.js';

export interface Dependencies {
  db: Kysely<Database>;
  /** Messaging settings of tests (`TEST_MESSAGING` of `@bazaar/service-kit/testing`). */
  messaging?: MessagingOverrides;
}

/**
 * The catalog service's app: plugins, routes, error handling and its consumers (started once it
 * listens); it never listens itself.
 */
export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'catalog',
    version: '0.1.0',
    description:
      'Products, categories, prices and stock; the batch price lookup used at checkout; stock reservations.',
    ...commonAppOptions(config),
    openapi: {
      components: { securitySchemes: bearerAuthScheme },
      tags: [
        { name: 'products', description: 'Product reads' },
        { name: 'categories', description: 'The category tree' },
        { name: 'admin', description: 'Catalog administration (admin role)' },
        { name: 'internal', description: 'Service-to-service routes (not public)' },
      ],
    },
  });
  app.health.addCheck('database', () => pingDatabase(deps.db));
  await app.register(authPlugin, {
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  await app.register(messagingPlugin, {
    service: 'catalog',
    config,
    db: deps.db,
    subscribe: (messaging) => subscribe(messaging, app.log),
    overrides: deps.messaging,
  });
  const routeDeps = { db: deps.db, faults: new Faults(config.BAZAAR_FAULTS) };
  await app.register(productRoutes, routeDeps);
  await app.register(categoryRoutes, routeDeps);
  await app.register(adminRoutes, routeDeps);
  await app.register(internalRoutes, routeDeps);
  return app;
}
