import { sql, type Kysely } from 'kysely';

/*
 * The dictionary for typo tolerance: every word of products' names, brands and category names
 * (as `search_simple` normalizes them). A misspelt query word is corrected to its nearest
 * dictionary words by trigram distance (GiST, k-nearest-neighbour), then checked with
 * Levenshtein; the corrected words then go through the same full-text path as any query.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table search_words (word text primary key)`.execute(db);
  await sql`create index search_words_word_trgm_idx on search_words using gist (word gist_trgm_ops)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_words').execute();
}
