import { sql, type Kysely } from 'kysely';

/** Payments (one per order) and their ledger of provider calls. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('order_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('payment_method_id', 'uuid', (c) => c.references('payment_methods.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_reference', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('authorized', 'failed', 'captured', 'voided', 'refunded')`),
    )
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('payments_provider_reference')
    .on('payments')
    .columns(['provider', 'provider_reference'])
    .execute();

  await db.schema
    .createTable('payment_attempts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('payment_id', 'uuid', (c) =>
      c.notNull().references('payments.id').onDelete('cascade'),
    )
    .addColumn('operation', 'text', (c) =>
      c.notNull().check(sql`operation in ('authorize', 'capture', 'void', 'refund')`),
    )
    .addColumn('outcome', 'text', (c) =>
      c.notNull().check(sql`outcome in ('succeeded', 'declined', 'error')`),
    )
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint')
    .addColumn('currency', 'text')
    .addColumn('reason', 'text')
    .addColumn('message', 'text')
    .addColumn('provider_reference', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('payment_attempts_payment_id')
    .on('payment_attempts')
    .columns(['payment_id', 'id'])
    .execute();

  await db.schema
    .createTable('cancelled_orders')
    .addColumn('order_id', 'uuid', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cancelled_orders').execute();
  await db.schema.dropTable('payment_attempts').execute();
  await db.schema.dropTable('payments').execute();
}
