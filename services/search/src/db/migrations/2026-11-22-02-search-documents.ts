import { sql, type Kysely } from 'kysely';

/*
 * One row per product ever heard of. A deleted product stays as a tombstone (`deleted`, with
 * the version of its deletion) so an older `product.updated` arriving late cannot bring it
 * back. Every index is partial on `not deleted`: tombstones cost no index space.
 *
 * `search_vector` weights: name A, brand B, category name C, description D. Name, brand and
 * category carry both the stemmed (`search_english`) and the as-typed (`search_simple`)
 * lexemes; the description, the longest part, only the stemmed ones.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table search_documents (
      id uuid primary key,
      version integer not null,
      deleted boolean not null default false,
      sku text not null default '',
      name text not null default '',
      description text not null default '',
      brand text not null default '',
      category_id uuid,
      category_name text,
      category_path uuid[] not null default '{}',
      price_amount bigint not null default 0,
      price_currency text not null default 'EUR',
      stock_available integer not null default 0,
      attributes jsonb not null default '{}',
      created_at timestamptz,
      updated_at timestamptz,
      indexed_at timestamptz not null default clock_timestamp(),
      search_vector tsvector generated always as (
        setweight(to_tsvector('search_english', name), 'A') ||
        setweight(to_tsvector('search_simple', name), 'A') ||
        setweight(to_tsvector('search_english', brand), 'B') ||
        setweight(to_tsvector('search_simple', brand), 'B') ||
        setweight(to_tsvector('search_english', coalesce(category_name, '')), 'C') ||
        setweight(to_tsvector('search_simple', coalesce(category_name, '')), 'C') ||
        setweight(to_tsvector('search_english', description), 'D')
      ) stored
    )`.execute(db);
  await sql`
    create index search_documents_search_vector_idx on search_documents
      using gin (search_vector) where not deleted`.execute(db);
  await sql`
    create index search_documents_category_path_idx on search_documents
      using gin (category_path) where not deleted`.execute(db);
  await sql`
    create index search_documents_price_amount_id_idx on search_documents (price_amount, id)
      where not deleted`.execute(db);
  await sql`
    create index search_documents_created_at_id_idx on search_documents (created_at, id)
      where not deleted`.execute(db);
  await sql`
    create index search_documents_brand_idx on search_documents (brand)
      where not deleted`.execute(db);
  // The reindex merges what events changed while it ran: rows indexed after it started.
  await sql`create index search_documents_indexed_at_idx on search_documents (indexed_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_documents').execute();
}
