import { pingDatabase } from '@bazaar/db';
import {
  commonAppOptions,
  createApp,
  messagingPlugin,
  type App,
  type MessagingOverrides,
} from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { subscribe } from './events/subscriptions.js';
import { createQueryTimers, createSearchMetrics, registerIndexMetrics } from './metrics.js';
import type { RouteDeps } from './routes/route-deps.js';
import { searchRoutes } from './routes/search/index.js';
import { IndexFollower } from './sync/index-follower.js';

export interface Dependencies {
  db: Kysely<Database>;
  /** This replica's index follower; by default one over `db`, woken by NOTIFY on it. */
  follower?: IndexFollower;
  /** Messaging settings of tests (`TEST_MESSAGING` of `@bazaar/service-kit/testing`). */
  messaging?: MessagingOverrides;
}

/**
 * The search service's app: plugins, routes, error handling and its consumer of catalog's
 * product events (started once it listens); it never listens itself. It returns
 * once this replica's index is built (the snapshot read and indexed), so a replica only takes
 * traffic with a whole index; `/health/ready` then also wants it less than 2 s behind.
 */
export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'search',
    version: '0.1.0',
    description:
      'Its own search index fed by catalog events: full text, typo tolerance, facets and sorting.',
    ...commonAppOptions(config),
    openapi: { tags: [{ name: 'search', description: 'Product search (public)' }] },
  });
  const follower =
    deps.follower ??
    new IndexFollower({
      db: deps.db,
      listenUrl: config.DATABASE_URL,
      logger: app.log,
      pollMs: config.INDEX_POLL_MS,
    });
  app.addHook('onClose', () => follower.stop());
  app.health.addCheck('database', () => pingDatabase(deps.db));
  app.health.addCheck('index', async () => {
    if (!follower.isReady()) throw new Error(`index ${follower.lagMs()} ms behind`);
  });
  registerIndexMetrics(app.metrics, follower);
  // Search only consumes: no outbox to relay.
  await app.register(messagingPlugin, {
    service: 'search',
    config,
    db: deps.db,
    relay: false,
    subscribe: (messaging) =>
      subscribe(messaging, { metrics: createSearchMetrics(app.metrics), logger: app.log }),
    overrides: deps.messaging,
  });
  const routeDeps: RouteDeps = { follower, timers: createQueryTimers(app.metrics) };
  await app.register(searchRoutes, routeDeps);
  await follower.start();
  return app;
}
