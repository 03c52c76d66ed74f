import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, SearchDocumentsTable, SearchWordsTable } from './database.js';
import { dictionaryWords, fromExcluded, toDocumentRow } from './documents-repository.js';
import { notifyChanges } from './changes-repository.js';
import type { ProductDocument } from '../domain/product-document.js';

/*
 * A reindex builds `search_documents_next` and `search_words_next` beside the live tables
 * (created `like` them, so they carry every column, default, generated column, constraint and
 * index the migrations gave the live ones), then swaps them in with renames in one short
 * transaction. Searches read the live tables, untouched, until that transaction commits.
 */

type ShadowTables = {
  search_documents_next: SearchDocumentsTable;
  search_words_next: SearchWordsTable;
};

/** Only one reindex at a time per database (session advisory lock). */
const REINDEX_LOCK = 7_305_385;

export async function tryLockReindex(conn: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    select pg_try_advisory_lock(${REINDEX_LOCK}) as locked`.execute(conn);
  return rows[0].locked;
}

export async function unlockReindex(conn: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_unlock(${REINDEX_LOCK})`.execute(conn);
}

/**
 * The time from which the live index's changes are carried over into the new one at the swap.
 * No margin is needed, and none is taken (it would carry stale rows over and defeat a
 * recovery): a change indexed before this moment was committed by catalog before it was
 * published, so the export, read entirely after this moment, already holds it or a newer one.
 */
export async function changesSince(conn: Kysely<Database>): Promise<Date> {
  const { rows } = await sql<{ since: Date }>`select clock_timestamp() as since`.execute(conn);
  return rows[0].since;
}

/** Fresh, empty shadow tables (a crashed run's leftovers are dropped). */
export async function createShadowTables(conn: Kysely<Database>): Promise<void> {
  await dropShadowTables(conn);
  await sql`create table search_documents_next (like search_documents including all)`.execute(conn);
  await sql`create table search_words_next (like search_words including all)`.execute(conn);
}

export async function dropShadowTables(conn: Kysely<Database>): Promise<void> {
  await sql`drop table if exists search_documents_next`.execute(conn);
  await sql`drop table if exists search_words_next`.execute(conn);
}

/** Writes a page of documents into the shadow table; a repeated product keeps its newest version. */
export async function loadShadowDocuments(
  conn: Kysely<Database>,
  products: ProductDocument[],
): Promise<void> {
  if (products.length === 0) return;
  await conn
    .withTables<ShadowTables>()
    .insertInto('search_documents_next')
    .values(products.map(toDocumentRow))
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet(fromExcluded())
        .where('search_documents_next.version', '<', (eb) => eb.ref('excluded.version')),
    )
    .execute();
}

/**
 * Adds to the shadow dictionary the words of the documents in `rows` (a table or a CTE with
 * `name`, `brand`, `category_name` and `deleted`), as `dictionaryText` joins them.
 */
function insertShadowWords(rows: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into search_words_next (word)
    select distinct w.lexeme
    from ${rows} d
    cross join lateral (${dictionaryWords(
      sql`d.name || ' ' || d.brand || ' ' || coalesce(d.category_name, '')`,
    )}) w
    where not d.deleted
    on conflict do nothing`;
}

/**
 * Fills the shadow dictionary from the shadow documents, then vacuums (so the facet counts'
 * index-only scans need not visit the heap from the first search on) and refreshes planner
 * statistics. Runs outside any transaction, as VACUUM must.
 */
export async function finishShadowTables(conn: Kysely<Database>): Promise<void> {
  await insertShadowWords(sql.table('search_documents_next')).execute(conn);
  await sql`vacuum (analyze) search_documents_next`.execute(conn);
  await sql`vacuum (analyze) search_words_next`.execute(conn);
}

/** Columns one can insert into (not generated), as the live table has them now. */
async function writableColumns(conn: Kysely<Database>, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
    order by ordinal_position`.execute(conn);
  return rows.map((row) => row.name);
}

interface IndexDefinition {
  name: string;
  /** The definition with the index's and table's names taken out, to pair copies. */
  shape: string;
}

async function indexesOf(conn: Kysely<Database>, table: string): Promise<IndexDefinition[]> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select i.relname as name, pg_get_indexdef(x.indexrelid) as definition
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    where x.indrelid = to_regclass(${table})`.execute(conn);
  return rows.map(({ name, definition }) => ({
    name,
    shape: definition
      .replace(` INDEX ${name} ON `, ' INDEX ? ON ')
      .replace(/ ON (\S+\.)?\S+ USING /, ' ON ? USING '),
  }));
}

/**
 * Swaps a shadow table in: renames, drops the old table, and gives each copied index the
 * live index's name back, so the next migration finds the names it knows.
 */
async function swapTable(trx: Kysely<Database>, live: string, next: string): Promise<void> {
  const liveIndexes = await indexesOf(trx, live);
  const nextIndexes = await indexesOf(trx, next);
  await sql`alter table ${sql.table(live)} rename to ${sql.table(`${live}_old`)}`.execute(trx);
  await sql`alter table ${sql.table(next)} rename to ${sql.table(live)}`.execute(trx);
  await sql`drop table ${sql.table(`${live}_old`)}`.execute(trx);
  for (const index of nextIndexes) {
    const original = liveIndexes.find((candidate) => candidate.shape === index.shape);
    if (original && original.name !== index.name) {
      await sql`alter index ${sql.table(index.name)} rename to ${sql.table(original.name)}`.execute(
        trx,
      );
    }
  }
}

/**
 * In one transaction: carries over what events changed in the live index since `since` (newer
 * versions and tombstones win, as they would have as events), then swaps the shadow tables
 * in. Writers wait on the lock for the few moments this takes; readers keep the old tables
 * until the commit. Returns how many documents were carried over.
 */
export async function swapInShadowTables(conn: Kysely<Database>, since: Date): Promise<number> {
  return conn.transaction().execute(async (trx) => {
    // The consumers' order (documents, then words): no deadlock with one mid-transaction.
    await sql`lock table search_documents in exclusive mode`.execute(trx);
    await sql`lock table search_words in exclusive mode`.execute(trx);
    const columns = await writableColumns(trx, 'search_documents');
    const list = sql.join(columns.map((column) => sql.ref(column)));
    const updates = sql.join(
      columns
        .filter((column) => column !== 'id')
        .map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`),
    );
    const { rows } = await sql<{ carried: number }>`
      with carried as (
        insert into search_documents_next as n (${list})
        select ${list} from search_documents l
        where l.indexed_at >= ${since} or l.deleted
        on conflict (id) do update set ${updates}
        where n.version < excluded.version or (excluded.deleted and n.version = excluded.version)
        returning n.name, n.brand, n.category_name, n.deleted
      ),
      words as (${insertShadowWords(sql.table('carried'))})
      select count(*)::int as carried from carried`.execute(trx);
    await swapTable(trx, 'search_documents', 'search_documents_next');
    await swapTable(trx, 'search_words', 'search_words_next');
    // Replicas rebuild from the new table: a product the export left out has no tombstone.
    await sql`update search_index_generation set generation = generation + 1`.execute(trx);
    await notifyChanges(trx);
    return rows[0].carried;
  });
}
