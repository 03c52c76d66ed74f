import { sql, type Kysely } from 'kysely';

/**
 * Each inserted `provider_operations` row notifies `payments_operations` with its key
 * (`<order id> <operation>`) instead of one empty notification per statement: the runner claims
 * the operations it hears of by key (an index lookup each, with a plan kept per connection)
 * and keeps the general claim, planned at every run, for its poll.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create or replace function provider_operations_notify() returns trigger
            language plpgsql as $$
            begin
              perform pg_notify('payments_operations', new.order_id::text || ' ' || new.operation);
              return null;
            end $$`.execute(db);
  await sql`drop trigger provider_operations_notify on provider_operations`.execute(db);
  await sql`create trigger provider_operations_notify after insert on provider_operations
            for each row execute function provider_operations_notify()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function provider_operations_notify() returns trigger
            language plpgsql as $$
            begin perform pg_notify('payments_operations', ''); return null; end $$`.execute(db);
  await sql`drop trigger provider_operations_notify on provider_operations`.execute(db);
  await sql`create trigger provider_operations_notify after insert on provider_operations
            for each statement execute function provider_operations_notify()`.execute(db);
}
