// `pnpm migrate` and the Kubernetes init container: create the database when missing, run
// pending migrations, exit.
import { runCli } from '@bazaar/cli';
import { migrateDatabase } from '@bazaar/db';
import { exitOnStartupError } from '@bazaar/service-kit';
import { loadServiceConfig } from '../config.js';
import { migrations } from '../db/migrations/index.js';

await runCli(
  {
    name: 'migrate',
    command: 'pnpm --filter @bazaar/storefront migrate',
    summary:
      "Creates the storefront service's database when missing and applies its pending migrations (DATABASE_URL).",
  },
  async () => {
    try {
      const results = await migrateDatabase(loadServiceConfig().DATABASE_URL, migrations);
      process.stdout.write(`storefront: ${results.length} migration(s) applied\n`);
    } catch (error) {
      exitOnStartupError(error);
    }
  },
);
