import { openDatabase } from '@bazaar/db';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp } from './app.js';
import { createUpstreams } from './clients/upstreams.js';
import { loadServiceConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrations } from './db/migrations/index.js';
import { purgeOldCheckouts } from './domain/purge-old-checkouts.js';

const PURGE_EVERY_MS = 60 * 60 * 1000;

try {
  const config = loadServiceConfig();
  const db = await openDatabase<Database>(config.DATABASE_URL, migrations, {
    applicationName: 'storefront',
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const upstreams = createUpstreams(config);
  const app = await buildApp(config, { db, upstreams });
  const purge = () =>
    purgeOldCheckouts(db).then(
      (count) => count > 0 && app.log.info({ count }, 'old checkout keys forgotten'),
      (err: unknown) => app.log.warn({ err }, 'forgetting old checkout keys failed'),
    );
  const timer = setInterval(purge, PURGE_EVERY_MS).unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await upstreams.close();
    await db.destroy();
  });
  await runService(app, { port: config.PORT, host: config.HOST });
} catch (error) {
  exitOnStartupError(error);
}
