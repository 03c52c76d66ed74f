import { sql, type Kysely } from 'kysely';

/*
 * The table is the log the replicas' in-memory indexes follow. Every effective write of a
 * document or tombstone takes the next `change_seq` (the upsert sets it, an insert gets the
 * default), so a replica reads `change_seq > last` to catch up. Sequence values can commit out
 * of order (a transaction that drew 10 may commit after the one that drew 11), so a replica
 * re-reads a short overlap behind its last value; versions make a re-read harmless.
 *
 * A reindex swaps in a whole new table; it bumps `search_index_generation.generation` in the
 * swap's transaction, and a replica that sees a new generation rebuilds from a snapshot (a
 * product the export no longer holds has no tombstone to follow).
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence search_change_seq`.execute(db);
  await sql`
    alter table search_documents
      add column change_seq bigint not null default nextval('search_change_seq')`.execute(db);
  await sql`create index search_documents_change_seq_idx on search_documents (change_seq)`.execute(
    db,
  );
  await sql`
    create table search_index_generation (
      singleton boolean primary key default true check (singleton),
      generation bigint not null
    )`.execute(db);
  await sql`insert into search_index_generation (generation) values (1)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists search_index_generation`.execute(db);
  await sql`alter table search_documents drop column if exists change_seq`.execute(db);
  await sql`drop sequence if exists search_change_seq`.execute(db);
}
