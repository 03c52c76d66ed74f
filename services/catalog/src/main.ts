import { observePool, openDatabase } from '@bazaar/db';
import { TOPOLOGY } from '@bazaar/contracts';
import { createMessaging } from '@bazaar/messaging';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import pg from 'pg';
import { buildApp } from './app.js';
import { loadServiceConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrations } from './db/migrations/index.js';
import { subscribe } from './events/subscriptions.js';

try {
  const config = loadServiceConfig();
  const db = await openDatabase<Database>(config.DATABASE_URL, migrations, {
    applicationName: 'catalog',
    poolSize: config.DATABASE_POOL_SIZE,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.PRICES_POOL_SIZE,
    application_name: 'catalog-prices',
  });
  pool.on('error', () => undefined);
  observePool(pool, 'catalog-prices');
  const app = await buildApp(config, { db, pool });
  const messaging = createMessaging({
    url: config.AMQP_URL,
    service: 'catalog',
    db,
    databaseUrl: config.DATABASE_URL,
    logger: app.log,
    metrics: app.metrics,
    namespace: config.AMQP_NAMESPACE,
    // Declares every service's queues before publishing; accepts events from their publishers only.
    topology: TOPOLOGY,
  });
  subscribe(messaging, app.log);
  app.addHook('onClose', async () => {
    await pool.end();
    await db.destroy();
  });
  await runService(app, { port: config.PORT, host: config.HOST, broker: messaging });
} catch (error) {
  exitOnStartupError(error);
}
