import { sql, type Generated, type Kysely } from 'kysely';
import {
  createDb,
  ensureDatabase,
  dropDatabase,
  migrateDatabase,
  migrateToLatest,
  openDatabase,
  type Migrations,
} from '../src/index.js';
import { createTestDatabase, testServerUrl } from '../src/testing.js';

const migrations: Migrations = {
  '2026-11-01-widgets': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('widget')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .execute();
    },
  },
  '2026-11-02-widget-colour': {
    async up(db: Kysely<any>) {
      // Slow on purpose, so two migrators overlap.
      await sql`select pg_sleep(0.3)`.execute(db);
      await db.schema.alterTable('widget').addColumn('colour', 'text').execute();
    },
  },
};

describe('migrateToLatest', () => {
  it('when two migrators start at once, then the schema is migrated once and consistently', async () => {
    const database = await createTestDatabase('db_migrate');
    const second = createDb(database.url, { poolSize: 2 });
    try {
      const [first, other] = await Promise.all([
        migrateToLatest(database.db, migrations),
        migrateToLatest(second, migrations),
      ]);
      const applied = [...first, ...other]
        .filter((r) => r.status === 'Success')
        .map((r) => r.migrationName);
      expect(applied.sort()).toEqual(['2026-11-01-widgets', '2026-11-02-widget-colour']);

      const columns = await sql<{ column_name: string }>`
        select column_name from information_schema.columns where table_name = 'widget' order by column_name`.execute(
        database.db,
      );
      expect(columns.rows.map((r) => r.column_name)).toEqual(['colour', 'id', 'name']);
      expect(await migrateToLatest(database.db, migrations)).toEqual([]);
    } finally {
      await second.destroy();
      await database.drop();
    }
  });

  it('when a migration fails, then the error names it and nothing of it stays', async () => {
    const database = await createTestDatabase('db_migrate_fail');
    try {
      await expect(
        migrateToLatest(database.db, {
          '2026-11-01-broken': {
            async up(db: Kysely<any>) {
              await db.schema.createTable('half').addColumn('id', 'integer').execute();
              await sql`select no_such_function()`.execute(db);
            },
          },
        }),
      ).rejects.toThrow(/2026-11-01-broken/);
      const tables =
        await sql`select 1 from information_schema.tables where table_name = 'half'`.execute(
          database.db,
        );
      expect(tables.rows).toHaveLength(0);
    } finally {
      await database.drop();
    }
  });
});

describe('ensureDatabase', () => {
  it('when the database is missing, then it is created once even when raced', async () => {
    const url = new URL(testServerUrl());
    url.pathname = `/bazaar_test_ensure_${Date.now()}`;
    try {
      const created = await Promise.all([
        ensureDatabase(url.toString()),
        ensureDatabase(url.toString()),
      ]);
      expect(created.filter(Boolean).length).toBeLessThanOrEqual(1);
      expect(await ensureDatabase(url.toString())).toBe(false);
      const db = createDb(url.toString(), { poolSize: 1 });
      await expect(sql`select 1 as one`.execute(db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
      await db.destroy();
    } finally {
      await dropDatabase(url.toString());
    }
  });
});

describe('a dropped connection', () => {
  it('when the server ends a checked-out session, then the query fails and the process and pool carry on', async () => {
    const database = await createTestDatabase('db_dropped');
    try {
      const failure = database.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        const admin = createDb(database.url, { poolSize: 1 });
        await sql`select pg_terminate_backend(${rows[0].pid})`.execute(admin);
        await admin.destroy();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await sql`select 1`.execute(trx);
      });
      await expect(failure).rejects.toThrow();
      await expect(sql`select 1 as one`.execute(database.db)).resolves.toMatchObject({
        rows: [{ one: 1 }],
      });
    } finally {
      await database.drop();
    }
  });
});

describe('migrateDatabase', () => {
  it('when the database is missing, then it is created and migrated, and a second run applies nothing', async () => {
    const url = new URL(testServerUrl());
    url.pathname = `/bazaar_test_migrate_cli_${Date.now()}`;
    try {
      const first = await migrateDatabase(url.toString(), migrations);
      expect(first.map((r) => r.status)).toEqual(['Success', 'Success']);
      expect(await migrateDatabase(url.toString(), migrations)).toEqual([]);
    } finally {
      await dropDatabase(url.toString());
    }
  });
});

describe('openDatabase', () => {
  it('when a service starts on a missing database, then it gets it created, migrated and pooled', async () => {
    const url = new URL(testServerUrl());
    url.pathname = `/bazaar_test_open_${Date.now()}`;
    const db = await openDatabase<{
      widget: { id: Generated<number>; name: string; colour: string | null };
    }>(url.toString(), migrations, { poolSize: 2 });
    try {
      await db.insertInto('widget').values({ name: 'sprocket', colour: 'red' }).execute();
      expect(await db.selectFrom('widget').select('colour').executeTakeFirst()).toEqual({
        colour: 'red',
      });
    } finally {
      await db.destroy();
      await dropDatabase(url.toString());
    }
  });
});
