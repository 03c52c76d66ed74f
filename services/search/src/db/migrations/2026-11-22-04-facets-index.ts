import { sql, type Kysely } from 'kysely';

/*
 * Facet counts over a broad result (no text, or a category) read every matching row. This
 * narrow covering index (about a sixth of the table) holds every column they and the filters
 * need, so they are answered by an index-only scan instead of a pass over the wide heap.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index search_documents_facets_idx on search_documents
      (category_id, brand, price_amount, stock_available) include (category_name, category_path)
      where not deleted`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists search_documents_facets_idx`.execute(db);
}
