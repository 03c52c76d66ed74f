import { openDatabase } from '@bazaar/db';
import { TOPOLOGY } from '@bazaar/contracts';
import { createMessaging } from '@bazaar/messaging';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp } from './app.js';
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
  const app = await buildApp(config, { db });
  // users only publishes (`user.registered`, through the outbox); it subscribes to nothing.
  const messaging = createMessaging({
    url: config.AMQP_URL,
    service: 'users',
    db,
    databaseUrl: config.DATABASE_URL,
    logger: app.log,
    metrics: app.metrics,
    namespace: config.AMQP_NAMESPACE,
    // Declares every service's queues before publishing; accepts events from their publishers only.
    topology: TOPOLOGY,
  });
  app.addHook('onClose', () => db.destroy());
  const admin = await ensureAdmin(app.usersContext, config.admin);
  if (admin === 'created') app.log.info({ email: config.admin.email }, 'admin account created');
  await runService(app, { port: config.PORT, host: config.HOST, broker: messaging });
} catch (error) {
  exitOnStartupError(error);
}
