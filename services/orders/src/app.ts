import { authPlugin, bearerAuthScheme } from '@bazaar/auth';
import { pingDatabase } from '@bazaar/db';
import {
  commonAppOptions,
  createApp,
  messagingPlugin,
  periodicJob,
  type App,
  type MessagingOverrides,
} from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import { createCatalogClient } from './clients/catalog-client.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { PriceSource } from './domain/catalog-prices.js';
import { subscribe } from './events/subscriptions.js';
import { createSagaMetrics } from './metrics/saga-metrics.js';
import { adminOrderRoutes } from './routes/admin-orders/index.js';
import { cartRoutes } from './routes/carts/index.js';
import { orderRoutes } from './routes/orders/index.js';
import type { RouteDeps } from './routes/route-deps.js';
import { createOrderEventStreams } from './sse/order-event-stream.js';
import { createOrderStatusHub } from './sse/order-status-hub.js';
import { sweepOnce } from './sweeper/stuck-order-sweeper.js';

export interface Dependencies {
  db: Kysely<Database>;
  /** catalog's price lookup; by default a client of `CATALOG_URL`. */
  catalog?: PriceSource;
  /** The clock (tests move it). */
  now?: () => Date;
  /** Messaging settings of tests (`TEST_MESSAGING` of `@bazaar/service-kit/testing`). */
  messaging?: MessagingOverrides;
}

/**
 * The orders service's app: plugins, routes, error handling, the saga's consumers (started once
 * it listens) and the stuck-order sweeper; it never listens itself.
 */
export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'orders',
    version: '0.1.0',
    description: 'Carts, checkout, the order state machine (owner of the saga) and order history.',
    ...commonAppOptions(config),
    openapi: {
      components: { securitySchemes: bearerAuthScheme },
      tags: [
        { name: 'carts', description: 'Carts priced at current catalog prices' },
        { name: 'orders', description: "Checkout and the shopper's orders" },
        { name: 'admin', description: 'Fulfilment (admin role)' },
      ],
    },
  });
  app.health.addCheck('database', () => pingDatabase(deps.db));
  await app.register(authPlugin, {
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  const now = deps.now ?? (() => new Date());
  let catalog = deps.catalog;
  if (!catalog) {
    const client = createCatalogClient({
      baseUrl: config.CATALOG_URL,
      timeoutMs: config.CATALOG_TIMEOUT_MS,
      logger: app.log,
    });
    app.addHook('onClose', () => client.close());
    catalog = client;
  }
  const metrics = createSagaMetrics(app.metrics, deps.db);
  const hub = createOrderStatusHub({ databaseUrl: config.DATABASE_URL, log: app.log });
  const events = createOrderEventStreams({
    db: deps.db,
    hub,
    log: app.log,
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    idleMs: config.SSE_IDLE_MS,
    idleReconnectMs: config.SSE_IDLE_RECONNECT_MS,
  });
  await app.register(messagingPlugin, {
    service: 'orders',
    config,
    db: deps.db,
    subscribe: (messaging) => subscribe(messaging, { metrics, now, log: app.log }),
    overrides: deps.messaging,
  });
  periodicJob(app, {
    name: 'stuck-order sweeper',
    intervalMs: config.SWEEPER_INTERVAL_MS,
    run: () =>
      sweepOnce(
        { db: deps.db, metrics, now, log: app.log },
        {
          timeoutMs: config.ORDER_SAGA_TIMEOUT_MS,
          batchSize: 100,
          idempotencyKeyTtlMs: config.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000,
        },
      ),
  });

  app.addHook('onReady', async () => hub.start());
  // Open event streams would hold the server open: end them as shutdown begins.
  app.addHook('preClose', async () => events.streams.closeAll());
  app.addHook('onClose', async () => hub.stop());

  const routeDeps: RouteDeps = { config, db: deps.db, catalog, metrics, now, hub, events };
  await app.register(cartRoutes, routeDeps);
  await app.register(orderRoutes, routeDeps);
  await app.register(adminOrderRoutes, routeDeps);
  return app;
}
