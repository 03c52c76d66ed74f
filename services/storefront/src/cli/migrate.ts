// `pnpm migrate` and the Kubernetes init container: create the database when missing, run
// pending migrations, exit.
import { migrateDatabase } from '@bazaar/db';
import { exitOnStartupError } from '@bazaar/service-kit';
import { loadServiceConfig } from '../config.js';
import { migrations } from '../db/migrations/index.js';

try {
  const results = await migrateDatabase(loadServiceConfig().DATABASE_URL, migrations);
  process.stdout.write(`storefront: ${results.length} migration(s) applied\n`);
} catch (error) {
  exitOnStartupError(error);
}
