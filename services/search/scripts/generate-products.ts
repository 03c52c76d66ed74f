// Fills a scratch search database with N synthetic products (default 100,000), through the
// same bulk path as `pnpm reindex` (shadow tables, then swap), and reports how long it took.
//   pnpm bench:generate [--count=100000] [--database-url=postgres://.../bazaar_search_bench]
import { commandLine, wholeNumber } from '@bazaar/cli';
import { createDb, ensureDatabase, migrateToLatest } from '@bazaar/db';
import type { Database } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import { reindex } from '../src/domain/reindex.js';
import { benchCatalog, DEFAULT_BENCH_DATABASE } from './bench-catalog.js';

const { url, count } = commandLine(
  {
    name: 'bench:generate',
    command: 'pnpm --filter @bazaar/search bench:generate --',
    summary: 'Fills a scratch search database with synthetic products through the reindex path.',
    options: {
      count: { type: 'string', value: 'N', default: '100000', description: 'how many products' },
      'database-url': {
        type: 'string',
        value: 'URL',
        default: DEFAULT_BENCH_DATABASE,
        description: 'the scratch search database',
      },
    },
  },
  ({ values }) => ({
    url: values['database-url'],
    count: wholeNumber('--count', values.count, { min: 1 })!,
  }),
);
const pageSize = 1000;

await ensureDatabase(url);
const db = createDb<Database>(url, { poolSize: 2 });
await migrateToLatest(db, migrations);
const catalog = benchCatalog();
const result = await reindex(
  db,
  async (cursor) => {
    const start = cursor ? Number(cursor) : 0;
    const end = Math.min(count, start + pageSize);
    const items = Array.from({ length: end - start }, (_, i) => catalog.product(start + i));
    return { items, nextCursor: end < count ? String(end) : null };
  },
  {
    onProgress: ({ indexed, elapsedMs }) => {
      if (indexed % 10_000 === 0) {
        process.stdout.write(`  ${indexed} products, ${(elapsedMs / 1000).toFixed(1)} s\n`);
      }
    },
  },
);
process.stdout.write(
  `generated ${result.indexed} products into ${new URL(url).pathname.slice(1)} in ${(result.elapsedMs / 1000).toFixed(1)} s ` +
    `(${Math.round(result.indexed / (result.elapsedMs / 1000))}/s, build and swap included)\n`,
);
await db.destroy();
