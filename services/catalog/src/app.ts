import { pingDatabase } from '@bazaar/db';
import { createApp, type App } from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/database.js';

export interface Dependencies {
  db: Kysely<Database>;
}

/** The catalog service's app: plugins, routes and error handling; it never listens. */
export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'catalog',
    version: '0.1.0',
    description:
      'Products, categories, prices and stock; the batch price lookup used at checkout; stock reservations.',
    logLevel: config.LOG_LEVEL,
    prettyLogs: config.NODE_ENV === 'development' && process.stdout.isTTY,
    processMetrics: config.NODE_ENV !== 'test',
  });
  app.health.addCheck('database', () => pingDatabase(deps.db));
  return app;
}
