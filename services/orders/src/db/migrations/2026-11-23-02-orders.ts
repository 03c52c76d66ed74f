import { sql, type Kysely } from 'kysely';

/**
 * Orders, their lines (prices frozen at checkout from catalog's answer) and their status
 * history (one row per transition, with time and reason). `status` is checked against the
 * state machine's statuses; the partial index serves the timeout sweeper, which only ever looks
 * at orders still in flight.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('pending', 'stock_reserved', 'confirmed', 'shipped', 'cancelled')`),
    )
    .addColumn('cancel_reason', 'text')
    .addColumn('total_amount', 'bigint', (c) => c.notNull().check(sql`total_amount >= 0`))
    .addColumn('currency', sql`char(3)`, (c) => c.notNull())
    .addColumn('shipping_address', 'jsonb', (c) => c.notNull())
    .addColumn('payment_method_id', 'uuid', (c) => c.notNull())
    .addColumn('payment_brand', 'text', (c) => c.notNull())
    .addColumn('payment_last4', sql`char(4)`, (c) => c.notNull())
    .addColumn('cart_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Lists are keyset-paginated by id (UUIDv7: creation order), newest first.
  await db.schema.createIndex('orders_user_idx').on('orders').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('orders_status_idx').on('orders').columns(['status', 'id']).execute();
  await sql`create index orders_in_flight_idx on orders (created_at)
    where status in ('pending', 'stock_reserved')`.execute(db);

  await db.schema
    .createTable('order_lines')
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'uuid', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity between 1 and 99`))
    .addColumn('unit_price_amount', 'bigint', (c) => c.notNull().check(sql`unit_price_amount >= 0`))
    .addColumn('currency', sql`char(3)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_no'])
    .execute();

  await db.schema
    .createTable('order_status_history')
    .addColumn('seq', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('order_status_history_order_idx')
    .on('order_status_history')
    .columns(['order_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_status_history').execute();
  await db.schema.dropTable('order_lines').execute();
  await db.schema.dropTable('orders').execute();
}
