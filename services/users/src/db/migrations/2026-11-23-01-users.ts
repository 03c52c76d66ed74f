import { sql, type Kysely } from 'kysely';

/**
 * Accounts. `email` is stored normalized (trimmed, lower case) and unique; `roles` is a small
 * array checked against the roles Bazaar knows. `password_hash` is a PHC string (argon2id).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`email = lower(btrim(email))`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', sql`text[]`, (c) =>
      c
        .notNull()
        .defaultTo(sql`array['customer']::text[]`)
        .check(sql`roles <@ array['customer', 'admin']::text[] and cardinality(roles) > 0`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // "Is there an admin?" at every start: a partial index keeps that a lookup.
  await sql`create index users_admins_idx on users (id) where 'admin' = any(roles)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('users').execute();
}
