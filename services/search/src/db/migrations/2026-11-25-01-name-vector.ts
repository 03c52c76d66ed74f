import { sql, type Kysely } from 'kysely';

/*
 * The name as `search_simple` reads it, stored: relevance gives 2 to a product named exactly
 * what was typed, and comparing this column costs a memcmp where parsing every matching name
 * again (`to_tsvector(name)` per row) took as long as ranking the row itself.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table search_documents
      add column name_vector tsvector generated always as (to_tsvector('search_simple', name)) stored`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table search_documents drop column if exists name_vector`.execute(db);
}
