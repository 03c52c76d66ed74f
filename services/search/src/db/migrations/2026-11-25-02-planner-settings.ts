import { sql, type Kysely } from 'kysely';

/*
 * Planner settings for this database, which is small enough to stay in memory (about 75 MB of
 * table at 100,000 products, indexes included well under shared buffers and the page cache).
 *
 * - `random_page_cost = 1.1` (default 4, a spinning disk's): a random page read costs about
 *   what a sequential one does here. With 4, a search-as-you-type prefix (`'sneak':*`) looked
 *   dearer through the GIN index than reading the whole table, so Postgres matched the tsquery
 *   against all 100,000 vectors (~100 ms) instead of reading the index (~4 ms) and the 5,000
 *   matching rows.
 * - `max_parallel_workers_per_gather = 0`: parallel scans only split one query over workers;
 *   under concurrent searches on a few cores they add process hand-offs, not capacity.
 * - `plan_cache_mode = force_custom_plan`: the service runs its queries as named prepared
 *   statements, and after five runs Postgres may keep one generic plan for all of them; the
 *   best plan of a search depends on its words (a rare word: the GIN index; a word in every
 *   description: a scan), so each run is planned for its own values (a fraction of a ms).
 *
 * Database-level defaults, so they apply to every new session of every replica and of the
 * reindex; a session may still override them.
 */

/** `alter database <this one> <clause>`: the name is only known once connected. */
async function alterDatabase(db: Kysely<any>, clause: string): Promise<void> {
  await sql
    .raw(`do $$ begin execute format('alter database %I ${clause}', current_database()); end $$`)
    .execute(db);
}

const SETTINGS = [
  ['random_page_cost', '1.1'],
  ['max_parallel_workers_per_gather', '0'],
  ['plan_cache_mode', 'force_custom_plan'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, value] of SETTINGS) {
    await alterDatabase(db, `set ${name} = ${value}`);
    // Also this session's: a service migrates on a connection of the pool it then serves from,
    // and a database default only reaches sessions opened after it.
    await sql.raw(`set ${name} = ${value}`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of SETTINGS) await alterDatabase(db, `reset ${name}`);
}
