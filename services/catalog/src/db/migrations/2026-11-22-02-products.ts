import { sql, type Kysely } from 'kysely';

/**
 * Products and their stock. Stock lives in its own narrow table: reservations update it many
 * times a second, and a narrow row keeps those updates cheap (HOT) and off the wide product row.
 * `available >= 0` is a CHECK constraint: no code path can oversell, whatever it does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('products')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('sku', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('brand', 'text', (c) => c.notNull())
    .addColumn('category_id', 'uuid', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('price_amount', 'bigint', (c) => c.notNull().check(sql`price_amount >= 0`))
    .addColumn('price_currency', sql`char(3)`, (c) =>
      c.notNull().check(sql`price_currency ~ '^[A-Z]{3}$'`),
    )
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`version >= 1`),
    )
    .execute();
  // The list is keyset-paginated by id (UUIDv7: creation order); each filter gets an index
  // that already yields rows in that order.
  await db.schema
    .createIndex('products_category_idx')
    .on('products')
    .columns(['category_id', 'id'])
    .execute();
  await db.schema
    .createIndex('products_brand_idx')
    .on('products')
    .columns(['brand', 'id'])
    .execute();
  await db.schema
    .createIndex('products_price_idx')
    .on('products')
    .columns(['price_amount', 'id'])
    .execute();

  await db.schema
    .createTable('stock')
    .addColumn('product_id', 'uuid', (c) =>
      c.primaryKey().references('products.id').onDelete('cascade'),
    )
    .addColumn('available', 'integer', (c) => c.notNull().check(sql`available >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stock').execute();
  await db.schema.dropTable('products').execute();
}
