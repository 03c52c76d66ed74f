import { sql, type Kysely } from 'kysely';

/**
 * Provider calls a consumer asked for, made afterwards outside its transaction: one row per
 * order and operation (the primary key makes a second request of the same one a no-op). Each
 * insert notifies `payments_operations` at commit, which wakes the runner.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('provider_operations')
    .addColumn('order_id', 'uuid', (c) => c.notNull())
    .addColumn('operation', 'text', (c) =>
      c.notNull().check(sql`operation in ('authorize', 'capture', 'release')`),
    )
    .addColumn('request', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // The trace of the event that asked for the call (W3C headers), continued by the runner.
    .addColumn('trace_context', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .addColumn('not_before', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('tries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'timestamptz')
    .addPrimaryKeyConstraint('provider_operations_pkey', ['order_id', 'operation'])
    .execute();
  await sql`create index provider_operations_due on provider_operations (not_before)
            where done_at is null`.execute(db);
  await sql`create function provider_operations_notify() returns trigger language plpgsql as $$
            begin perform pg_notify('payments_operations', ''); return null; end $$`.execute(db);
  await sql`create trigger provider_operations_notify after insert on provider_operations
            for each statement execute function provider_operations_notify()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('provider_operations').execute();
  await sql`drop function provider_operations_notify()`.execute(db);
}
