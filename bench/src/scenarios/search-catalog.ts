import { spawn } from 'node:child_process';
import type { Storefront } from '../storefront.js';
import { ROOT } from '../system.js';

export interface SearchCatalogOptions {
  /** Products search must hold before the search scenario runs. */
  products: number;
  /** Catalog's database, where its seed CLI writes. */
  catalogDatabaseUrl: string;
  /** Search's database, which its reindex CLI rebuilds. */
  searchDatabaseUrl: string;
  /** The catalog service, whose export (`GET /internal/products`) the reindex reads. */
  catalogUrl: string;
  onProgress?: (line: string) => void;
}

export interface SearchCatalog {
  /** Products search reports (`total` of a search without text or filters). */
  products: number;
  /** Whether this run had to seed; a later run on the same databases finds it done. */
  seeded: boolean;
  /** Time spent by catalog's seed CLI, by search's reindex, and in all (0 when not seeded). */
  seedSeconds: number;
  reindexSeconds: number;
  totalSeconds: number;
}

export async function searchTotal(storefront: Storefront): Promise<number> {
  const page = await storefront.search({ q: '', limit: 1 });
  return page.total;
}

/**
 * Makes sure search holds at least `products` products, the way an operator loads a large
 * catalog: catalog's seed CLI bulk-inserts the deterministic demo catalog without events
 * (`--no-events`; the same seed extends, never duplicates, what is there), then search's reindex
 * CLI rebuilds its index from catalog's export and swaps it in. Measured on this machine:
 * ~5 s for the seed and ~20 s for the reindex at 100,000 products, against ~200 s for the same
 * products as `product.created` events through the outbox, RabbitMQ and search's consumer (one
 * durable commit per event). Done once per database pair: a later run finds the total there.
 */
export async function ensureSearchCatalog(
  storefront: Storefront,
  options: SearchCatalogOptions,
): Promise<SearchCatalog> {
  const before = await searchTotal(storefront);
  if (before >= options.products) {
    return { products: before, seeded: false, seedSeconds: 0, reindexSeconds: 0, totalSeconds: 0 };
  }
  const started = Date.now();
  await run(
    [
      '--filter',
      '@bazaar/catalog',
      'seed',
      '--',
      '--products',
      String(options.products),
      '--no-events',
    ],
    { DATABASE_URL: options.catalogDatabaseUrl },
    options.onProgress,
  );
  const seeded = Date.now();
  await run(
    ['--filter', '@bazaar/search', 'reindex', '--', '--page-size=1000'],
    { DATABASE_URL: options.searchDatabaseUrl, CATALOG_URL: options.catalogUrl },
    options.onProgress,
  );
  const reindexed = Date.now();
  const products = await waitForTotal(storefront, options.products, 60_000);
  return {
    products,
    seeded: true,
    seedSeconds: (seeded - started) / 1000,
    reindexSeconds: (reindexed - seeded) / 1000,
    totalSeconds: (Date.now() - started) / 1000,
  };
}

/** Polls search's total through the storefront until it reaches `products`. */
async function waitForTotal(
  storefront: Storefront,
  products: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const total = await searchTotal(storefront);
    if (total >= products) return total;
    if (Date.now() > deadline) {
      throw new Error(`search reports ${total} products, not ${products}, after the reindex`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Runs a pnpm command at the workspace root; its output goes to `onLine`, a failure throws. */
function run(args: string[], env: Record<string, string>, onLine?: (line: string) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn('pnpm', args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    const tail: string[] = [];
    const watch = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine?.(line.trim());
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`pnpm ${args.join(' ')} exited with ${code}:\n${tail.join('\n')}`)),
    );
  });
}
