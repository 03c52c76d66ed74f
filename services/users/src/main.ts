import { createDb, ensureDatabase, migrateToLatest } from '@bazaar/db';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp } from './app.js';
import { loadServiceConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrations } from './db/migrations/index.js';
import { ensureAdmin } from './domain/admin-bootstrap.js';

try {
  const config = loadServiceConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb<Database>(config.DATABASE_URL, { applicationName: 'users' });
  await migrateToLatest(db, migrations);
  const app = await buildApp(config, { db });
  app.addHook('onClose', () => db.destroy());
  const admin = await ensureAdmin(app.usersContext, config.admin);
  if (admin === 'created') app.log.info({ email: config.admin.email }, 'admin account created');
  await runService(app, { port: config.PORT, host: config.HOST });
} catch (error) {
  exitOnStartupError(error);
}
