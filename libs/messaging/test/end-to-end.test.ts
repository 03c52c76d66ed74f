import { sql } from 'kysely';
import { eventually } from '@bazaar/testing';
import { InvalidEventError, writeEvent, writeEvents } from '../src/index.js';
import { effectCount, recordEffect, userRegistered, useTestbed } from './support.js';

describe('messaging end to end', () => {
  const bed = useTestbed('e2e');

  beforeAll(async () => {
    const messaging = bed.messaging({ service: 'e2e' });
    messaging.subscribe('e2e.users', { 'user.registered': recordEffect('e2e.users') });
    await messaging.start();
  });

  it('when an event is written in a committed transaction, then the relay publishes it and the consumer handles it once', async () => {
    const data = userRegistered();
    const id = await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data }));

    await eventually(async () => (await effectCount(bed.db, data.userId)) === 1);
    // Marked sent by the relay's next claim, or on its own just after when none comes (the
    // consumer may have handled it before).
    const outbox = await eventually(async () => {
      const row = await bed.db
        .selectFrom('outbox_events')
        .select(['status', 'sent_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return row.status === 'sent' ? row : undefined;
    });
    expect(outbox.sent_at).toBeInstanceOf(Date);
    const inbox = await bed.db
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
      bed.db.transaction().execute(async (trx) => {
        await writeEvent(trx, { type: 'user.registered', data: rolledBack });
        throw new Error('change refused');
      }),
    ).rejects.toThrow('change refused');
    // An event committed after it is handled: had the first one gone out, it would be too.
    const later = userRegistered('Later');
    await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data: later }));
    await eventually(async () => (await effectCount(bed.db, later.userId)) === 1);

    expect(await effectCount(bed.db, rolledBack.userId)).toBe(0);
    const rows = await bed.db.selectFrom('outbox_events').select('data').execute();
    expect(rows.map((r) => (r.data as { userId: string }).userId)).not.toContain(rolledBack.userId);
  });

  it('when many events are written at once, then each is delivered once; one invalid event writes none', async () => {
    const many = Array.from({ length: 1_203 }, (_, i) => userRegistered(`Bulk ${i}`));
    const ids = await bed.db.transaction().execute((trx) =>
      writeEvents(
        trx,
        many.map((data) => ({ type: 'user.registered' as const, data })),
      ),
    );
    expect(new Set(ids).size).toBe(many.length);
    const last = many[many.length - 1]!;
    await eventually(async () => (await effectCount(bed.db, last.userId)) === 1, {
      timeoutMs: 60_000,
    });
    await eventually(async () => (await effectCount(bed.db, many[0]!.userId)) === 1);

    const broken = [
      { type: 'user.registered' as const, data: userRegistered('Fine') },
      { type: 'user.registered' as const, data: { userId: 'not-an-id' } as never },
    ];
    await expect(
      bed.db.transaction().execute((trx) => writeEvents(trx, broken)),
    ).rejects.toBeInstanceOf(InvalidEventError);
    const fine = await bed.db
      .selectFrom('outbox_events')
      .select('id')
      .where(sql`data->>'name'`, '=', 'Fine')
      .execute();
    expect(fine).toEqual([]);
  });
});
