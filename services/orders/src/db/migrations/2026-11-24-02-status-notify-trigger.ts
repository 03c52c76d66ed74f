import { sql, type Kysely } from 'kysely';

/**
 * Every status change is announced on `orders_status_changed` (payload: the order id) by the
 * history row it writes, so no code path can forget it and no extra statement is sent for it.
 * NOTIFY is transactional: delivered at commit, never for a change that rolled back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function order_status_history_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('orders_status_changed', new.order_id::text);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger order_status_history_notify after insert on order_status_history
    for each row execute function order_status_history_notify()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger order_status_history_notify on order_status_history`.execute(db);
  await sql`drop function order_status_history_notify()`.execute(db);
}
