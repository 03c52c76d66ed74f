import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  changesSince,
  createShadowTables,
  dropShadowTables,
  finishShadowTables,
  loadShadowDocuments,
  swapInShadowTables,
  tryLockReindex,
  unlockReindex,
} from '../db/reindex-repository.js';
import { productDocumentProblems, type ProductDocument } from './product-document.js';

/** One page of catalog's export (`GET /internal/products`). */
export interface ProductPage {
  items: unknown[];
  nextCursor: string | null;
}

/** Reads the page after `cursor` (null: the first page). */
export type ProductPageReader = (cursor: string | null) => Promise<ProductPage>;

export interface ReindexProgress {
  pages: number;
  /** Documents written into the new index so far. */
  indexed: number;
  /** Documents refused as not matching the product document schema. */
  skipped: number;
  elapsedMs: number;
}

export interface ReindexResult extends ReindexProgress {
  /** Changes that events made to the live index during the rebuild, carried into the new one. */
  carriedOver: number;
}

export interface ReindexOptions {
  onProgress?: (progress: ReindexProgress) => void;
  /** A document that does not match the schema: it is left out and reported here. */
  onInvalid?: (item: unknown, problems: string[]) => void;
  now?: () => number;
}

/** Another reindex of the same database is running. */
export class ReindexRunningError extends Error {
  constructor() {
    super('another reindex of this search database is running');
    this.name = 'ReindexRunningError';
  }
}

/**
 * Rebuilds the index from catalog's export: every product, page by page, into shadow tables,
 * while the live index keeps answering searches and taking events; then, in one short
 * transaction, what the events changed meanwhile is carried over and the shadow tables are
 * swapped in. On failure the live index is left as it was.
 */
export async function reindex(
  db: Kysely<Database>,
  readPage: ProductPageReader,
  options: ReindexOptions = {},
): Promise<ReindexResult> {
  const now = options.now ?? Date.now;
  const started = now();
  // One connection for the whole run: the advisory lock is the session's.
  return db.connection().execute(async (conn) => {
    if (!(await tryLockReindex(conn))) throw new ReindexRunningError();
    try {
      const since = await changesSince(conn);
      await createShadowTables(conn);
      const progress: ReindexProgress = { pages: 0, indexed: 0, skipped: 0, elapsedMs: 0 };
      try {
        const seen = new Set<string>();
        let cursor: string | null = null;
        do {
          const page = await readPage(cursor);
          const valid: ProductDocument[] = [];
          for (const item of page.items) {
            const problems = productDocumentProblems(item);
            if (problems.length === 0) valid.push(item as ProductDocument);
            else {
              progress.skipped += 1;
              options.onInvalid?.(item, problems);
            }
          }
          await loadShadowDocuments(conn, valid);
          progress.pages += 1;
          progress.indexed += valid.length;
          progress.elapsedMs = now() - started;
          options.onProgress?.({ ...progress });
          if (page.nextCursor !== null && seen.has(page.nextCursor)) {
            throw new Error(`catalog's export repeats cursor ${page.nextCursor}`);
          }
          cursor = page.nextCursor;
          if (cursor !== null) seen.add(cursor);
        } while (cursor !== null);
        await finishShadowTables(conn);
        const carriedOver = await swapInShadowTables(conn, since);
        return { ...progress, carriedOver, elapsedMs: now() - started };
      } catch (error) {
        await dropShadowTables(conn).catch(() => undefined);
        throw error;
      }
    } finally {
      await unlockReindex(conn);
    }
  });
}
