// `pnpm seed [-- --seed 42 --products 200 --no-events]`: migrate, then add a deterministic demo
// catalog. `pnpm seed:if-empty` (run by the root `pnpm start`) does so only when there are no
// products yet.
import { runCli, wholeNumber } from '@bazaar/cli';
import { createDb, ensureDatabase, migrateToLatest } from '@bazaar/db';
import { exitOnStartupError } from '@bazaar/service-kit';
import { loadServiceConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { migrations } from '../db/migrations/index.js';
import { seedCatalog, seedCatalogIfEmpty } from '../seed/seed-catalog.js';

await runCli(
  {
    name: 'seed',
    command: 'pnpm --filter @bazaar/catalog seed --',
    summary: "Migrates catalog's database, then adds a deterministic demo catalog (DATABASE_URL).",
    options: {
      seed: {
        type: 'string',
        value: 'N',
        default: '42',
        description: "the catalog's seed: the same seed gives the same catalog",
      },
      products: { type: 'string', value: 'N', default: '200', description: 'how many products' },
      'if-empty': { type: 'boolean', description: 'do nothing when the catalog has products' },
      'no-events': {
        type: 'boolean',
        description:
          'write no product.created events (search then reindexes from GET /internal/products)',
      },
    },
  },
  async ({ values }) => {
    const options = {
      seed: wholeNumber('--seed', values.seed)!,
      products: wholeNumber('--products', values.products)!,
      ifEmpty: values['if-empty'],
      events: !values['no-events'],
    };
    await seed(options);
  },
);

async function seed(options: {
  seed: number;
  products: number;
  ifEmpty: boolean;
  events: boolean;
}) {
  try {
    const config = loadServiceConfig();
    await ensureDatabase(config.DATABASE_URL);
    const db = createDb<Database>(config.DATABASE_URL, {
      poolSize: 3,
      applicationName: 'catalog-seed',
    });
    try {
      await migrateToLatest(db, migrations);
      const started = Date.now();
      const seedOptions = {
        seed: options.seed,
        products: options.products,
        events: options.events,
        onProgress: (done: number, total: number) => {
          const seconds = (Date.now() - started) / 1000;
          console.log(
            `  ${done}/${total} products (${Math.round(done / Math.max(seconds, 0.001))}/s)`,
          );
        },
      };
      if (!options.ifEmpty) {
        console.log(`catalog: seeding ${options.products} products (seed ${options.seed})...`);
      }
      const result = options.ifEmpty
        ? await seedCatalogIfEmpty(db, seedOptions)
        : await seedCatalog(db, seedOptions);
      if ('existing' in result) {
        console.log(`catalog: ${result.existing} products already there, not seeding`);
      } else {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          `catalog: ${result.categories} categories, ${result.inserted} products added, ` +
            `${result.skipped} already there, in ${seconds} s` +
            (options.events ? '' : ' (no events written)'),
        );
      }
    } finally {
      await db.destroy();
    }
  } catch (error) {
    exitOnStartupError(error);
  }
}
