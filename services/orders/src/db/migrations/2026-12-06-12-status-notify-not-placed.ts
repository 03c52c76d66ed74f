import { sql, type Kysely } from 'kysely';

/**
 * The placement's history row (`placed`) announces nothing: a stream can only be opened for an
 * order whose id its shopper has, and the id comes back in the checkout's answer, after the
 * commit; a stream opened then reads the current status first. The notification woke no one,
 * but every NOTIFY costs Postgres a global lock at commit and a signal to each listening session
 * of the database (Postgres 15 signals them whatever the channel), and the placement is the one
 * transaction per order that is never batched. Every later change still notifies.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger order_status_history_notify on order_status_history`.execute(db);
  await sql`
    create trigger order_status_history_notify after insert on order_status_history
    for each row when (new.reason <> 'placed')
    execute function order_status_history_notify()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger order_status_history_notify on order_status_history`.execute(db);
  await sql`
    create trigger order_status_history_notify after insert on order_status_history
    for each row execute function order_status_history_notify()`.execute(db);
}
