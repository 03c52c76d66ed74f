// `pnpm migrate`: create the database when missing and run pending migrations, then exit.
import { createDb, ensureDatabase, migrateToLatest } from '@bazaar/db';
import { exitOnStartupError } from '@bazaar/service-kit';
import { loadServiceConfig } from '../config.js';
import { migrations } from '../db/migrations/index.js';

try {
  const config = loadServiceConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, { poolSize: 1 });
  const results = await migrateToLatest(db, migrations);
  await db.destroy();
  process.stdout.write(`search: ${results.length} migration(s) applied\n`);
} catch (error) {
  exitOnStartupError(error);
}
