import { migrateToLatest } from '@bazaar/db';
import { createTestDatabase, storageParameters, type TestDatabase } from '@bazaar/db/testing';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { messagingMigrations } from '../src/index.js';

let database: TestDatabase<unknown>;

beforeAll(async () => {
  database = await createTestDatabase('messaging_migrations');
});

afterAll(async () => {
  await database.drop();
});

async function outboxShape(db: Kysely<any>) {
  const { rows: indexes } = await sql<{ indexname: string }>`
    select indexname from pg_indexes where tablename = 'outbox_events' order by indexname`.execute(
    db,
  );
  const { rows: options } = await sql<{ reloptions: string[] | null }>`
    select reloptions from pg_class where relname = 'outbox_events'`.execute(db);
  return { indexes: indexes.map((i) => i.indexname), options: options[0]!.reloptions };
}

async function writeRow(db: Kysely<any>): Promise<void> {
  await sql`
    insert into outbox_events (id, type, version, occurred_at, data)
    values (gen_random_uuid(), 'test.happened', 1, now(), '{}')`.execute(db);
}

describe('the outbox migrations', () => {
  it('when the unique position index and the fillfactor are undone and applied again, then each state is the expected one and positions keep growing', async () => {
    const db = database.db;
    await migrateToLatest(db, messagingMigrations);
    await writeRow(db);
    expect(await outboxShape(db)).toEqual({
      indexes: ['outbox_events_pending', 'outbox_events_pkey', 'outbox_events_sent_at'],
      options: [
        'fillfactor=50',
        'autovacuum_vacuum_scale_factor=0',
        'autovacuum_vacuum_threshold=5000',
      ],
    });

    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => messagingMigrations },
    });
    const down = await migrator.migrateTo('2026-11-24-01-messaging-unrouted');
    expect(down.error).toBeUndefined();
    await writeRow(db);
    expect(await outboxShape(db)).toEqual({
      indexes: [
        'outbox_events_pending',
        'outbox_events_pkey',
        'outbox_events_position_key',
        'outbox_events_sent_at',
      ],
      options: null,
    });

    await migrateToLatest(db, messagingMigrations);
    await writeRow(db);
    const { rows } = await sql<{ position: string }>`
      select position from outbox_events order by created_at, position`.execute(db);
    expect(rows.map((r) => Number(r.position))).toEqual([1, 2, 3]);
  });
});

describe('the queue tables', () => {
  it('when the messaging tables are migrated, then the outbox and the inbox are vacuumed after a fixed count of dead rows, not after a fifth of the table', async () => {
    const db = database.db;
    await migrateToLatest(db, messagingMigrations);
    const vacuum = ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=5000'];
    expect(await storageParameters(db, 'outbox_events')).toEqual([...vacuum, 'fillfactor=50']);
    expect(await storageParameters(db, 'inbox_messages')).toEqual(vacuum);

    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => messagingMigrations },
    });
    const down = await migrator.migrateTo('2026-12-06-11-messaging-outbox-notify-others');
    expect(down.error).toBeUndefined();
    expect(await storageParameters(db, 'outbox_events')).toEqual(['fillfactor=50']);
    expect(await storageParameters(db, 'inbox_messages')).toEqual([]);
    await migrateToLatest(db, messagingMigrations);
  });
});
