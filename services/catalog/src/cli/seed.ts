// `pnpm seed [-- --seed 42 --products 200 --no-events]`: migrate, then add a deterministic demo
// catalog. `pnpm seed:if-empty` (run by the root `pnpm start`) does so only when there are no
// products yet.
import { createDb, ensureDatabase, migrateToLatest } from '@bazaar/db';
import { exitOnStartupError } from '@bazaar/service-kit';
import { loadServiceConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { migrations } from '../db/migrations/index.js';
import { seedCatalog, seedCatalogIfEmpty } from '../seed/seed-catalog.js';

const USAGE = `usage: seed [--seed N] [--products N] [--if-empty] [--no-events]
  --seed N       the catalog's seed: the same seed gives the same catalog (default 42)
  --products N   how many products (default 200)
  --if-empty     do nothing when the catalog already has products
  --no-events    do not write product.created events (search then reindexes from
                 GET /internal/products)`;

function parseArgs(argv: string[]) {
  const options = { seed: 42, products: 200, ifEmpty: false, events: true };
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    const value = () => {
      const raw = inline ?? args[++i];
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < 0)
        throw new Error(`${flag} needs a whole number, got ${raw}`);
      return n;
    };
    if (flag === '--seed') options.seed = value();
    else if (flag === '--products') options.products = value();
    else if (flag === '--if-empty') options.ifEmpty = true;
    else if (flag === '--no-events') options.events = false;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${args[i]}\n${USAGE}`);
  }
  return options;
}

try {
  const options = parseArgs(process.argv.slice(2));
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
