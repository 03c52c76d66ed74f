import { openDatabase } from '@bazaar/db';
import { TOPOLOGY } from '@bazaar/contracts';
import { createMessaging } from '@bazaar/messaging';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp, paymentsContext } from './app.js';
import { loadServiceConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrations } from './db/migrations/index.js';
import { subscribePayments } from './events/subscriptions.js';
import { providersFromConfig } from './providers/registry.js';

try {
  const config = loadServiceConfig();
  const db = await openDatabase<Database>(config.DATABASE_URL, migrations, {
    applicationName: 'payments',
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const providers = providersFromConfig(config);
  const app = await buildApp(config, { db, providers });
  const messaging = createMessaging({
    url: config.AMQP_URL,
    service: 'payments',
    db,
    databaseUrl: config.DATABASE_URL,
    logger: app.log,
    metrics: app.metrics,
    namespace: config.AMQP_NAMESPACE,
    // Declares every service's queues before publishing; accepts events from their publishers only.
    topology: TOPOLOGY,
  });
  subscribePayments(messaging, paymentsContext(config, providers, app.log));
  app.addHook('onClose', () => db.destroy());
  await runService(app, { port: config.PORT, host: config.HOST, broker: messaging });
} catch (error) {
  exitOnStartupError(error);
}
