import { openDatabase } from '@bazaar/db';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp } from './app.js';
import { loadServiceConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrations } from './db/migrations/index.js';

try {
  const config = loadServiceConfig();
  const db = await openDatabase<Database>(config.DATABASE_URL, migrations, {
    applicationName: 'catalog',
    poolSize: config.DATABASE_POOL_SIZE,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const app = await buildApp(config, { db });
  app.addHook('onClose', () => db.destroy());
  await runService(app, { port: config.PORT, host: config.HOST });
} catch (error) {
  exitOnStartupError(error);
}
