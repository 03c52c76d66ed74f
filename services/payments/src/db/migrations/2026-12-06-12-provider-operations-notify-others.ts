import { sql, type Kysely } from 'kysely';

/**
 * A `provider_operations` insert notifies its key only when the session's process does not hand
 * its operations to its own runner: a session whose `bazaar.wakes` setting names the table
 * (`watchCommits` of `@bazaar/db`, while payments' runner runs) sends nothing, since its process
 * hands the key over after the commit, and a NOTIFY costs the database a global lock at commit
 * and a signal to every listener. Any other writer (another replica, a tool) still notifies.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create or replace function provider_operations_notify() returns trigger
            language plpgsql as $$
            begin
              if not coalesce('provider_operations' = any(string_to_array(current_setting('bazaar.wakes', true), ',')), false) then
                perform pg_notify('payments_operations', new.order_id::text || ' ' || new.operation);
              end if;
              return null;
            end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function provider_operations_notify() returns trigger
            language plpgsql as $$
            begin
              perform pg_notify('payments_operations', new.order_id::text || ' ' || new.operation);
              return null;
            end $$`.execute(db);
}
