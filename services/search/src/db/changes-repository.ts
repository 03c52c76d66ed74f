import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { IndexChange, IndexedProduct } from '../engine/search-index.js';
import type { Database } from './database.js';

/** The `NOTIFY` channel a committed index change signals on; replicas `LISTEN` to it. */
export const CHANGES_CHANNEL = 'search_changes';

/** The next value of the change log's sequence, for an upsert's update. */
export function nextChangeSeq(): RawBuilder<never> {
  return sql<never>`nextval('search_change_seq')`;
}

/** Wakes the replicas once the transaction commits (Postgres folds repeats into one). */
export async function notifyChanges(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_notify(${CHANGES_CHANNEL}, '')`.execute(trx);
}

interface DocumentRow {
  id: string;
  version: number;
  deleted: boolean;
  sku: string;
  name: string;
  description: string;
  brand: string;
  category_id: string | null;
  category_name: string | null;
  category_path: string[];
  price_amount: number;
  price_currency: string;
  stock_available: number;
  created_at: string | null;
  change_seq: number;
}

/** The columns a replica reads; the creation time printed as the `newest` cursor prints it. */
const COLUMNS = sql`id, version, deleted, sku, name, description, brand, category_id,
  category_name, category_path, price_amount, price_currency, stock_available,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
  change_seq`;

function toProduct(row: DocumentRow): IndexedProduct {
  return {
    id: row.id,
    version: row.version,
    sku: row.sku,
    name: row.name,
    description: row.description,
    brand: row.brand,
    categoryId: row.category_id,
    categoryName: row.category_name,
    categoryPath: row.category_path,
    priceAmount: row.price_amount,
    priceCurrency: row.price_currency,
    stockAvailable: row.stock_available,
    createdAt: row.created_at ?? '1970-01-01T00:00:00.000000Z',
  };
}

function toChange(row: DocumentRow): IndexChange {
  return row.deleted
    ? { kind: 'delete', id: row.id, version: row.version }
    : { kind: 'upsert', product: toProduct(row) };
}

export interface Snapshot {
  generation: number;
  /** The highest `change_seq` in the snapshot (0 when empty). */
  lastSeq: number;
  /** The live products (empty when they were handed to `onProducts` page by page). */
  products: IndexedProduct[];
  /** Tombstones, so a late re-read of an older version cannot bring a product back. */
  deletions: { id: string; version: number }[];
}

const SNAPSHOT_PAGE = 10_000;

/**
 * Takes the table before the transaction's snapshot (a REPEATABLE READ snapshot starts at the
 * first query, and LOCK is not one): a reindex's swap renames another table into this name,
 * and without the lock a read could see the generation before the swap and rows after it.
 * ACCESS SHARE waits only for the swap's rename, which waits for this short read.
 */
async function lockTable(trx: Kysely<Database>): Promise<void> {
  await sql`lock table search_documents in access share mode`.execute(trx);
}

/**
 * Every row and the highest sequence value, in one REPEATABLE READ snapshot: what a replica
 * builds from. Paged by id inside the snapshot, so no single result holds the whole table.
 * With `onProducts`, each page's live products go to it (while Postgres reads the next page)
 * instead of into `products`.
 */
export async function readSnapshot(
  db: Kysely<Database>,
  onProducts?: (products: IndexedProduct[]) => void,
  pageSize = SNAPSHOT_PAGE,
): Promise<Snapshot> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await lockTable(trx);
      const { rows: head } = await sql<{ generation: number; last_seq: number }>`
        select (select generation from search_index_generation) as generation,
          coalesce((select max(change_seq) from search_documents), 0) as last_seq`.execute(trx);
      const snapshot: Snapshot = {
        generation: Number(head[0].generation ?? 0),
        lastSeq: Number(head[0].last_seq),
        products: [],
        deletions: [],
      };
      const page = async (after: string) =>
        (
          await sql<DocumentRow>`
            select ${COLUMNS} from search_documents
            where id > ${after}::uuid order by id limit ${pageSize}`.execute(trx)
        ).rows;
      let next: Promise<DocumentRow[]> | null = page('00000000-0000-0000-0000-000000000000');
      while (next) {
        const rows: DocumentRow[] = await next;
        // Postgres reads the next page while this one is handed on.
        next = rows.length < pageSize ? null : page(rows[rows.length - 1].id);
        const products: IndexedProduct[] = [];
        for (const row of rows) {
          if (row.deleted) snapshot.deletions.push({ id: row.id, version: row.version });
          else products.push(toProduct(row));
        }
        if (onProducts) onProducts(products);
        else snapshot.products.push(...products);
      }
      return snapshot;
    });
}

export interface ChangeBatch {
  generation: number;
  changes: { seq: number; change: IndexChange }[];
}

/** Rows written with a sequence value above `after`, oldest first, at most `limit`. */
export async function readChanges(
  db: Kysely<Database>,
  after: number,
  limit: number,
): Promise<ChangeBatch> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await lockTable(trx);
      const { rows: head } = await sql<{ generation: number }>`
        select generation from search_index_generation`.execute(trx);
      const { rows } = await sql<DocumentRow>`
        select ${COLUMNS} from search_documents
        where change_seq > ${after} order by change_seq limit ${limit}`.execute(trx);
      return {
        generation: Number(head[0]?.generation ?? 0),
        changes: rows.map((row) => ({ seq: Number(row.change_seq), change: toChange(row) })),
      };
    });
}
