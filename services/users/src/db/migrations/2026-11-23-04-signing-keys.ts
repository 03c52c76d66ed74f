import { sql, type Kysely } from 'kysely';

/**
 * Keys that sign access tokens, when they are managed here (no `JWT_PRIVATE_KEYS` given).
 * A key is published from `created_at`, signs from `activates_at`, stops signing at
 * `retires_at` (when its successor activates) and is unpublished and deleted at `removes_at`
 * (once every token it signed has expired). `private_key` is PKCS#8 PEM, or AES-256-GCM
 * ciphertext (`enc:v1:...`) when an encryption secret is configured.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('algorithm', 'text', (c) => c.notNull().check(sql`algorithm in ('EdDSA', 'ES256')`))
    .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('activates_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retires_at', 'timestamptz')
    .addColumn('removes_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signing_keys').execute();
}
