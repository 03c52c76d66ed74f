// `pnpm reindex [--page-size=500]`: rebuild the search index from catalog's export, then exit.
// The running service keeps answering from the old index until the new one is swapped in.
import { commandLine, wholeNumber } from '@bazaar/cli';
import { createDb, ensureDatabase, migrateToLatest } from '@bazaar/db';
import { createServiceClient } from '@bazaar/http-client';
import { exitOnStartupError } from '@bazaar/service-kit';
import { catalogProductPages } from '../clients/catalog-products.js';
import { loadServiceConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { migrations } from '../db/migrations/index.js';
import { reindex } from '../domain/reindex.js';

// Arguments first: `--help` and a bad value answer before anything connects.
const size = commandLine(
  {
    name: 'reindex',
    command: 'pnpm --filter @bazaar/search reindex --',
    summary:
      "Rebuilds search's index from catalog's GET /internal/products (CATALOG_URL, DATABASE_URL), " +
      'then exits; the running service answers from the old index until the swap.',
    options: {
      'page-size': {
        type: 'string',
        value: 'N',
        default: '500',
        description: 'products per page, 1 to 1000',
      },
    },
    notes: 'exit code 3: done, but some products were invalid and skipped (listed above it)',
  },
  ({ values }) => wholeNumber('--page-size', values['page-size'], { min: 1, max: 1000 })!,
);

const write = (line: string) => process.stdout.write(`${line}\n`);

try {
  const config = loadServiceConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb<Database>(config.DATABASE_URL, {
    poolSize: 2,
    applicationName: 'search-reindex',
  });
  await migrateToLatest(db, migrations);
  const catalog = createServiceClient({
    name: 'catalog',
    baseUrl: config.CATALOG_URL,
    timeoutMs: 30_000,
    retries: 4,
    breaker: false,
  });
  try {
    write(`search reindex: reading ${config.CATALOG_URL}/internal/products, ${size} per page`);
    const result = await reindex(db, catalogProductPages(catalog, size), {
      onProgress: ({ pages, indexed, skipped, elapsedMs }) => {
        const rate = Math.round(indexed / Math.max(elapsedMs / 1000, 0.001));
        write(`  page ${pages}: ${indexed} indexed, ${skipped} skipped (${rate}/s)`);
      },
      onInvalid: (item, problems) => {
        const id = (item as { id?: unknown } | null)?.id;
        write(`  skipped ${JSON.stringify(id ?? null)}: ${problems.slice(0, 3).join('; ')}`);
      },
    });
    write(
      `search reindex: done, ${result.indexed} products in ${(result.elapsedMs / 1000).toFixed(1)} s ` +
        `(${result.skipped} skipped, ${result.carriedOver} changes carried over from events)`,
    );
    if (result.skipped > 0) process.exitCode = 3;
  } finally {
    await catalog.close();
    await db.destroy();
  }
} catch (error) {
  exitOnStartupError(error);
}
