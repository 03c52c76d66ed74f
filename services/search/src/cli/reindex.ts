// `pnpm reindex [--page-size=500]`: rebuild the search index from catalog's export, then exit.
// The running service keeps answering from the old index until the new one is swapped in.
import { createDb, ensureDatabase, migrateToLatest } from '@bazaar/db';
import { createServiceClient } from '@bazaar/http-client';
import { exitOnStartupError } from '@bazaar/service-kit';
import { catalogProductPages } from '../clients/catalog-products.js';
import { loadServiceConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { migrations } from '../db/migrations/index.js';
import { reindex } from '../domain/reindex.js';

const PAGE_SIZE = /^--page-size=(\d+)$/;

function pageSize(args: string[]): number {
  const given = args.map((arg) => PAGE_SIZE.exec(arg)?.[1]).find(Boolean);
  const size = given ? Number(given) : 500;
  if (size < 1 || size > 1000) throw new Error('--page-size must be between 1 and 1000');
  return size;
}

const write = (line: string) => process.stdout.write(`${line}\n`);

try {
  const config = loadServiceConfig();
  const size = pageSize(process.argv.slice(2));
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
    if (result.skipped > 0) process.exitCode = 2;
  } finally {
    await catalog.close();
    await db.destroy();
  }
} catch (error) {
  exitOnStartupError(error);
}
