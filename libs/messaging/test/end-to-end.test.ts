import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase as Db } from '@bazaar/db/testing';
import {
  createMessaging,
  InvalidEventError,
  writeEvent,
  writeEvents,
  type Messaging,
} from '../src/index.js';
import { deleteNamespace, testAmqpUrl, testNamespace } from '../src/testing.js';
import {
  effectCount,
  eventually,
  migrations,
  recordEffect,
  userRegistered,
  type TestDatabase,
} from './support.js';

describe('messaging end to end', () => {
  const namespace = testNamespace('e2e');
  let database: Db<TestDatabase>;
  let messaging: Messaging<TestDatabase>;

  beforeAll(async () => {
    database = await createTestDatabase<TestDatabase>('messaging_e2e', migrations);
    messaging = createMessaging({
      url: testAmqpUrl(),
      service: 'e2e',
      db: database.db,
      databaseUrl: database.url,
      namespace,
    });
    messaging.subscribe('e2e.users', { 'user.registered': recordEffect('e2e.users') });
    await messaging.start();
  });

  afterAll(async () => {
    await messaging?.stop();
    await deleteNamespace({ url: testAmqpUrl(), namespace });
    await database?.drop();
  });

  it('when an event is written in a committed transaction, then the relay publishes it and the consumer handles it once', async () => {
    const data = userRegistered();
    const id = await database.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data }));

    await eventually(async () => (await effectCount(database.db, data.userId)) === 1);
    const outbox = await database.db
      .selectFrom('outbox_events')
      .select(['status', 'sent_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(outbox.status).toBe('sent');
    expect(outbox.sent_at).toBeInstanceOf(Date);
    const inbox = await database.db
      .selectFrom('inbox_messages')
      .selectAll()
      .where('message_id', '=', id)
      .execute();
    expect(inbox).toEqual([
      expect.objectContaining({ queue: 'e2e.users', message_id: id, type: 'user.registered' }),
    ]);
  });

  it('when the transaction rolls back, then its event is never delivered', async () => {
    const rolledBack = userRegistered('Rolled');
    await expect(
      database.db.transaction().execute(async (trx) => {
        await writeEvent(trx, { type: 'user.registered', data: rolledBack });
        throw new Error('change refused');
      }),
    ).rejects.toThrow('change refused');
    // An event committed after it is handled: had the first one gone out, it would be too.
    const later = userRegistered('Later');
    await database.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data: later }));
    await eventually(async () => (await effectCount(database.db, later.userId)) === 1);

    expect(await effectCount(database.db, rolledBack.userId)).toBe(0);
    const rows = await database.db.selectFrom('outbox_events').select('data').execute();
    expect(rows.map((r) => (r.data as { userId: string }).userId)).not.toContain(rolledBack.userId);
  });

  it('when many events are written at once, then each is delivered once; one invalid event writes none', async () => {
    const many = Array.from({ length: 1_203 }, (_, i) => userRegistered(`Bulk ${i}`));
    const ids = await database.db.transaction().execute((trx) =>
      writeEvents(
        trx,
        many.map((data) => ({ type: 'user.registered' as const, data })),
      ),
    );
    expect(new Set(ids).size).toBe(many.length);
    const last = many[many.length - 1]!;
    await eventually(async () => (await effectCount(database.db, last.userId)) === 1, 60_000);
    await eventually(async () => (await effectCount(database.db, many[0]!.userId)) === 1);

    const broken = [
      { type: 'user.registered' as const, data: userRegistered('Fine') },
      { type: 'user.registered' as const, data: { userId: 'not-an-id' } as never },
    ];
    await expect(
      database.db.transaction().execute((trx) => writeEvents(trx, broken)),
    ).rejects.toBeInstanceOf(InvalidEventError);
    const fine = await database.db
      .selectFrom('outbox_events')
      .select('id')
      .where(sql`data->>'name'`, '=', 'Fine')
      .execute();
    expect(fine).toEqual([]);
  });
});
