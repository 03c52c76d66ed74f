import type { Kysely } from 'kysely';

/**
 * The stored answer's status is always 202 and never read: orders stops writing it. Expand and
 * contract (docs/deploy.md): the previous version still writes the column during a rolling
 * update, so it is made optional here and dropped by a later release.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('idempotency_keys')
    .alterColumn('response_status', (c) => c.dropNotNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ response_status: 202 })
    .where('response_status', 'is', null)
    .execute();
  await db.schema
    .alterTable('idempotency_keys')
    .alterColumn('response_status', (c) => c.setNotNull())
    .execute();
}
