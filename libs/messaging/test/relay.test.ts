import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { eventually } from '@bazaar/testing';
import { createMessaging, republishUnrouted, writeEvent, type Messaging } from '../src/index.js';
import { captureEvents, testAmqpUrl, type CapturedEvents } from '../src/testing.js';
import {
  effectCount,
  metricValue,
  recordEffect,
  type TestDatabase,
  userRegistered,
  useTestbed,
} from './support.js';

const url = testAmqpUrl();

describe('outbox relay', () => {
  const bed = useTestbed('relay');
  const { namespace } = bed;
  let capture: CapturedEvents;

  beforeAll(async () => {
    capture = await captureEvents({ url, namespace, types: ['user.registered'] });
  });

  afterAll(async () => {
    await capture?.close();
  });

  async function start(messaging: Messaging<TestDatabase>) {
    bed.track(messaging);
    await messaging.start();
    return messaging;
  }

  function relayOnly(options: { registry?: Registry; db?: typeof bed.db } = {}) {
    return createMessaging({
      url,
      service: 'relay-test',
      db: options.db ?? bed.db,
      databaseUrl: bed.databaseUrl,
      namespace,
      metrics: options.registry,
      relaySettings: { batchSize: 50, claimTimeoutMs: 1500 },
    });
  }

  async function statusOf(id: string) {
    return bed.db
      .selectFrom('outbox_events')
      .select(['status', 'attempts', 'last_error', 'sent_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  it('when a relay is killed between publishing and marking sent, then the event is published again and consumed once', async () => {
    const queue = 'relay.users';
    const consumer = createMessaging({
      url,
      service: 'relay-consumer',
      db: bed.db,
      namespace,
      relay: false,
    });
    consumer.subscribe(queue, { 'user.registered': recordEffect(queue) });
    await start(consumer);

    // Relay A "dies" right after the broker confirmed its publish, before marking the row sent
    // (the hook throws where a killed process would stop); then it is gone for good.
    const relayA = await start(relayOnly());
    let published!: () => void;
    const publishedOnce = new Promise<void>((resolve) => (published = resolve));
    relayA.relay!.afterPublish = async () => {
      relayA.relay!.afterPublish = undefined;
      published();
      throw new Error('relay killed');
    };

    const data = userRegistered('Twice');
    const id = await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data }));
    await publishedOnce;
    await relayA.stop();
    bed.forget(relayA);
    expect((await statusOf(id)).status).toBe('pending');

    // A relay (a replica, or the restarted pod) publishes it again; the inbox absorbs it.
    await start(relayOnly());
    await eventually(async () => (await statusOf(id)).status === 'sent');
    await eventually(() => capture.events.filter((e) => e.id === id).length >= 2);
    await eventually(async () => {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from inbox_messages where message_id = ${id}`.execute(bed.db);
      return rows[0]!.count === 1;
    });
    expect(await effectCount(bed.db, data.userId)).toBe(1);
  });

  it('when two relays share one outbox with concurrent writers, then every row is published and none is skipped', async () => {
    const registries = [new Registry(), new Registry()];
    await Promise.all(registries.map((registry) => start(relayOnly({ registry }))));
    const writers = 10;
    const perWriter = 30;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let n = 0; n < perWriter; n++) {
          await bed.db.transaction().execute(async (trx) => {
            ids.push(
              await writeEvent(trx, {
                type: 'user.registered',
                data: userRegistered(`w${writer}`),
              }),
            );
            // Transactions stay open for different times, so they commit out of order.
            await sql`select pg_sleep(${(Math.random() * 20) / 1000})`.execute(trx);
          });
        }
      }),
    );
    expect(ids).toHaveLength(writers * perWriter);

    const seen = await eventually(
      () => {
        const set = new Set(capture.events.map((e) => e.id));
        return ids.every((id) => set.has(id)) ? set : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(ids.filter((id) => !seen.has(id))).toEqual([]);
    // Marked sent just after the broker confirmed: the observer may be a moment ahead.
    const rows = await eventually(async () => {
      const { rows: counts } = await sql<{ status: string; count: number }>`
        select status, count(*)::int as count from outbox_events
        where id = any(${ids}::uuid[]) group by status`.execute(bed.db);
      return counts.length === 1 && counts[0]!.status === 'sent' ? counts : undefined;
    });
    expect(rows).toEqual([{ status: 'sent', count: ids.length }]);
    const published = await Promise.all(
      registries.map((registry) =>
        metricValue(registry, 'messaging_published_total', { type: 'user.registered' }),
      ),
    );
    expect(published[0]! + published[1]!).toBeGreaterThanOrEqual(ids.length);
  });

  it('when no queue is bound to an event type, then the row is kept as unrouted, not retried, and republishUnrouted sends it once someone listens', async () => {
    const registry = new Registry();
    const relay = relayOnly({ registry });
    const id = await bed.db.transaction().execute((trx) =>
      writeEvent(trx, {
        type: 'order.shipped',
        data: { orderId: userRegistered().userId, userId: userRegistered().userId },
      }),
    );
    await start(relay);

    const row = await eventually(async () => {
      const status = await statusOf(id);
      return status.status === 'unrouted' ? status : undefined;
    });
    expect(row.attempts).toBe(1);
    expect(row.sent_at).not.toBeNull();
    expect(row.last_error).toBe('unroutable: no queue bound to order.shipped');
    expect(await metricValue(registry, 'messaging_unrouted_total', { type: 'order.shipped' })).toBe(
      1,
    );
    // Not a backlog: the relay and the broker are not behind.
    expect(await metricValue(registry, 'messaging_outbox_backlog', {})).toBe(0);
    // Not published again by later rounds.
    await relay.relay!.relayOnce();
    expect((await statusOf(id)).attempts).toBe(1);

    // Once someone listens, an operator sends the kept rows of that type again.
    const listener = await captureEvents({ url, namespace, types: ['order.shipped'] });
    try {
      expect(await republishUnrouted(bed.db, { types: ['user.registered'] })).toBe(0);
      expect(await republishUnrouted(bed.db, { types: ['order.shipped'] })).toBe(1);
      relay.relay!.wake();
      await listener.waitFor((event) => event.id === id, 25_000);
      await eventually(async () => (await statusOf(id)).status === 'sent');
    } finally {
      await listener.close();
    }
  });

  it('when rows are committed while a round publishes, then the next round marks that round sent in the statement that claims them', async () => {
    const relay = await start(relayOnly());
    let carried: string[] | undefined;
    let carrier: string | undefined;
    relay.relay!.afterPublish = async (ids) => {
      relay.relay!.afterPublish = undefined;
      carried = ids;
      carrier = (await bed.writeUser('Carrier')).id;
      relay.relay!.wake();
    };
    await bed.writeUser('Carried');

    const rows = await eventually(async () => {
      if (!carried || !carrier) return undefined;
      const found = await bed.db
        .selectFrom('outbox_events')
        .select(['id', 'status', 'sent_at', 'available_at'])
        .where('id', 'in', [...carried, carrier])
        .execute();
      return found.every((row) => row.status === 'sent') ? found : undefined;
    });
    const leased = rows.find((row) => row.id === carrier)!.available_at.getTime();
    // One statement, one transaction (one now()): the first round's rows marked sent, the
    // carrier leased for claimTimeoutMs.
    for (const row of rows.filter((r) => r.id !== carrier)) {
      expect(row.sent_at!.getTime() + 1500).toBe(leased);
    }
  });

  it('when one round publishes a routed and an unrouted event, then one is sent and the other unrouted', async () => {
    const [routed, unrouted] = await bed.db.transaction().execute(async (trx) => [
      await writeEvent(trx, { type: 'user.registered', data: userRegistered('Mixed') }),
      await writeEvent(trx, {
        type: 'order.shipped',
        data: { orderId: userRegistered().userId, userId: userRegistered().userId },
      }),
    ]);
    await start(relayOnly());

    await eventually(async () => (await statusOf(unrouted)).status === 'unrouted');
    const sent = await eventually(async () => {
      const status = await statusOf(routed);
      return status.status === 'sent' ? status : undefined;
    });
    expect(sent.last_error).toBeNull();
    expect(sent.sent_at).not.toBeNull();
    expect((await statusOf(unrouted)).last_error).toBe(
      'unroutable: no queue bound to order.shipped',
    );
  });

  it('when sent and unrouted rows are older than the retention, then pruning deletes them and keeps pending ones', async () => {
    const relay = createMessaging({
      url,
      service: 'prune-test',
      db: bed.db,
      namespace,
      relaySettings: { retentionMs: 0 },
    });
    const pendingId = await bed.db.transaction().execute(async (trx) => {
      const id = await writeEvent(trx, { type: 'user.registered', data: userRegistered() });
      await trx
        .updateTable('outbox_events')
        .set({ available_at: new Date(Date.now() + 3600_000) })
        .where('id', '=', id)
        .execute();
      return id;
    });
    const unroutedId = await bed.db.transaction().execute(async (trx) => {
      const id = await writeEvent(trx, { type: 'user.registered', data: userRegistered() });
      await trx
        .updateTable('outbox_events')
        .set({ status: 'unrouted', sent_at: new Date(Date.now() - 1000) })
        .where('id', '=', id)
        .execute();
      return id;
    });
    const sentId = await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data: userRegistered() }));
    await start(relay);
    await eventually(async () => (await statusOf(sentId)).status === 'sent');

    const pruned = await relay.relay!.prune();
    expect(pruned).toBeGreaterThanOrEqual(2);
    const left = await bed.db.selectFrom('outbox_events').select(['id', 'status']).execute();
    expect(left.map((r) => r.id)).toContain(pendingId);
    expect(left.map((r) => r.id)).not.toContain(unroutedId);
    expect(left.every((r) => r.status === 'pending')).toBe(true);
  });

  it('when a row no longer matches its schema, then it is marked failed instead of blocking the outbox', async () => {
    const id = await bed.db.transaction().execute(async (trx) => {
      const written = await writeEvent(trx, { type: 'user.registered', data: userRegistered() });
      await sql`update outbox_events set data = '{"userId": 1}' where id = ${written}`.execute(trx);
      return written;
    });
    const relay = await start(relayOnly());
    // Whichever round claims the row (this one or the relay's own loop), none publishes it.
    const round = await relay.relay!.relayOnce();
    expect(round.sent).toBe(0);
    await eventually(async () => (await statusOf(id)).status === 'failed');
    expect((await statusOf(id)).last_error).toContain('data');
    // The outbox is not blocked, and the broken row never went out before the next one.
    const nextId = await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data: userRegistered() }));
    await capture.waitFor((event) => event.id === nextId, 25_000);
    expect(capture.events.map((event) => event.id)).not.toContain(id);
  });
});
