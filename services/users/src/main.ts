import { openDatabase } from '@bazaar/db';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp, createUsersContext } from './app.js';
import { loadServiceConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrations } from './db/migrations/index.js';
import { ensureAdmin } from './domain/admin-bootstrap.js';

try {
  const config = loadServiceConfig();
  const db = await openDatabase<Database>(config.DATABASE_URL, migrations, {
    applicationName: 'users',
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const context = await createUsersContext(config, { db });
  const app = await buildApp(config, { db, context });
  app.addHook('onClose', () => db.destroy());
  // Before serving: a taken admin email fails the start.
  const admin = await ensureAdmin(context, config.admin);
  if (admin === 'created') app.log.info({ email: config.admin.email }, 'admin account created');
  await runService(app, { port: config.PORT, host: config.HOST });
} catch (error) {
  exitOnStartupError(error);
}
