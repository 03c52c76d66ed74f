import { sql, type Kysely } from 'kysely';

/**
 * Failed-login counters, per account (`account:<email>`) and per client address (`ip:<addr>`),
 * in fixed windows. In Postgres rather than memory so every replica sees the same counts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().check(sql`failures >= 0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
}
