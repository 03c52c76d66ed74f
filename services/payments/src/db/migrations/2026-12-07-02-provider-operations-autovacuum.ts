import { sql, type Kysely } from 'kysely';

/**
 * `provider_operations` is a queue like the outbox: every row is claimed, completed and pruned,
 * and the claim walks the partial index of due rows. It is vacuumed as messaging's queue tables
 * are (`2026-12-07-01-messaging-queue-autovacuum`): after a fixed count of dead rows, not after
 * a fifth of the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table provider_operations set (
              autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table provider_operations reset (
              autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`.execute(db);
}
