import { sql, type Kysely } from 'kysely';

/*
 * Text search building blocks. Two configurations fold accents away (`unaccent`) before their
 * dictionary: `search_english` stems (shoes ~ shoe, running ~ run) and drops stop words;
 * `search_simple` keeps every word as typed, so prefixes of whole words (`runn:*` ->
 * running), brand names and model codes match exactly. `pg_trgm` and `fuzzystrmatch` power
 * typo tolerance. All four extensions are trusted or shipped with Postgres.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);
  await sql`create extension if not exists fuzzystrmatch`.execute(db);
  await sql`create text search configuration search_english (copy = english)`.execute(db);
  await sql`
    alter text search configuration search_english
      alter mapping for hword, hword_part, word with unaccent, english_stem`.execute(db);
  await sql`create text search configuration search_simple (copy = simple)`.execute(db);
  await sql`
    alter text search configuration search_simple
      alter mapping for hword, hword_part, word with unaccent, simple`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop text search configuration if exists search_simple`.execute(db);
  await sql`drop text search configuration if exists search_english`.execute(db);
}
