import type { Kysely } from 'kysely';

/**
 * Per-account backoff: an account's next attempt is not checked before `not_before` (null for
 * address rows and for accounts still within their free failures).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').addColumn('not_before', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').dropColumn('not_before').execute();
}
