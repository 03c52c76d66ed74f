import { pingDatabase } from '@bazaar/db';
import { createApp, type App } from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { FacetCache } from './domain/facet-cache.js';
import { registerFacetCacheMetrics } from './metrics.js';
import { searchRoutes } from './routes/search/index.js';

export interface Dependencies {
  db: Kysely<Database>;
}

/** The search service's app: plugins, routes and error handling; it never listens. */
export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'search',
    version: '0.1.0',
    description:
      'Its own search index fed by catalog events: full text, typo tolerance, facets and sorting.',
    logLevel: config.LOG_LEVEL,
    prettyLogs: config.NODE_ENV === 'development' && process.stdout.isTTY,
    processMetrics: config.NODE_ENV !== 'test',
    openapi: { tags: [{ name: 'search', description: 'Product search (public)' }] },
  });
  app.health.addCheck('database', () => pingDatabase(deps.db));
  const facetCache = new FacetCache({
    ttlMs: config.FACET_CACHE_TTL_MS,
    maxEntries: config.FACET_CACHE_ENTRIES,
  });
  registerFacetCacheMetrics(app.metrics, facetCache);
  await app.register(searchRoutes, { db: deps.db, facetCache });
  return app;
}
