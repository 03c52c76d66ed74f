import { sql, type Kysely } from 'kysely';

/**
 * One row per order that catalog has seen, with its outcome, and one row per reserved product.
 * The order row's status is what makes reserve and release happen once per order:
 * `reserved` -> `released` is a conditional update; `rejected` and `cancelled` (a cancel that
 * arrived before its order) are final. Lines keep no foreign key to products: a product may be
 * deleted while an order still holds its units.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reservations')
    .addColumn('order_id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('reserved', 'rejected', 'released', 'cancelled')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('reservation_lines')
    .addColumn('order_id', 'uuid', (c) =>
      c.notNull().references('reservations.order_id').onDelete('cascade'),
    )
    .addColumn('product_id', 'uuid', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('reservation_lines_pk', ['order_id', 'product_id'])
    .execute();
  await db.schema
    .createIndex('reservation_lines_product_idx')
    .on('reservation_lines')
    .column('product_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reservation_lines').execute();
  await db.schema.dropTable('reservations').execute();
}
