import { sql, type Kysely } from 'kysely';

/**
 * Categories form a tree. Each row keeps the ids of its ancestors (root first), so "this
 * category and everything under it" is one indexed lookup and product documents carry the path
 * without a recursive query. Categories are only ever added (never moved), so the path is fixed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('categories')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('parent_id', 'uuid', (c) => c.references('categories.id').onDelete('restrict'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ancestor_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('categories_parent_idx')
    .on('categories')
    .column('parent_id')
    .execute();
  await sql`create index categories_ancestors_idx on categories using gin (ancestor_ids)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('categories').execute();
}
