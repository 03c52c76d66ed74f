import amqp from 'amqplib';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb } from '@bazaar/db';
import { Registry } from 'prom-client';
import { eventually } from '@bazaar/testing';
import {
  createMessaging,
  InvalidEventError,
  queueNames,
  writeEvent,
  type MessagingOptions,
} from '../src/index.js';
import { publishEvent, testAmqpUrl } from '../src/testing.js';
import {
  closeBrokerConnections,
  effectCount,
  metricValue,
  recordEffect,
  type TestDatabase,
  userRegistered,
  useTestbed,
} from './support.js';

const url = testAmqpUrl();

describe('recovery and lifecycle', () => {
  const bed = useTestbed('recovery');
  const { namespace } = bed;
  const service = `recovery-${namespace.split('.')[2]}`;

  function messagingFor(queue: string, extra: Partial<MessagingOptions<TestDatabase>> = {}) {
    const messaging = bed.messaging({ service, ...extra });
    messaging.subscribe(queue, { 'user.registered': recordEffect(queue) });
    return messaging;
  }
  const writeUser = (name: string) => bed.writeUser(name);
  /** Commits `user.registered` from a session of another process (its own pool, unwatched). */
  async function writeUserElsewhere(name: string) {
    const elsewhere = createDb<TestDatabase>(bed.databaseUrl, { poolSize: 1 });
    try {
      const data = userRegistered(name);
      await elsewhere
        .transaction()
        .execute((trx) => writeEvent(trx, { type: 'user.registered', data }));
      return data;
    } finally {
      await elsewhere.destroy();
    }
  }

  it('when the broker closes the connection, then check() says so, it reconnects by itself and events keep flowing', async () => {
    const registry = new Registry();
    const messaging = messagingFor('recovery.connection', { metrics: registry });
    await messaging.start();
    await expect(messaging.check()).resolves.toBeUndefined();
    expect(await metricValue(registry, 'messaging_broker_connected', {})).toBe(1);
    const before = await writeUser('Before');
    await eventually(async () => (await effectCount(bed.db, before.userId)) === 1);

    expect(await closeBrokerConnections(service)).toBeGreaterThanOrEqual(1);
    const during = await writeUser('During');
    // Either still down or already back, check() never lies: wait for it to be up again.
    await eventually(() => messaging.check().then(() => true));
    expect(await metricValue(registry, 'messaging_broker_connected', {})).toBe(1);
    await eventually(async () => (await effectCount(bed.db, during.userId)) === 1);
    const after = await writeUser('After');
    await eventually(async () => (await effectCount(bed.db, after.userId)) === 1);
  });

  it('when its queue is deleted under it, then the consumer redeclares it and consumes again', async () => {
    const queue = 'recovery.channel';
    const messaging = messagingFor(queue);
    await messaging.start();
    const connection = await amqp.connect(url);
    try {
      const channel = await connection.createChannel();
      await channel.deleteQueue(queueNames(namespace, queue, []).main);
      // Back with a consumer on it (other queues of this file are bound to the same type, so
      // a routed publish alone would not prove it).
      await eventually(async () => {
        const probe = await connection.createChannel();
        probe.on('error', () => undefined);
        const { consumerCount } = await probe.checkQueue(queueNames(namespace, queue, []).main);
        await probe.close();
        return consumerCount === 1;
      });
    } finally {
      await connection.close();
    }
    await messaging.check();
    const data = userRegistered('Back');
    await publishEvent({ url, namespace, type: 'user.registered', data });
    await eventually(async () => (await effectCount(bed.db, data.userId)) === 1);
    expect(await effectCount(bed.db, data.userId)).toBe(1);
  });

  it('when the LISTEN connection is killed, then it reconnects and commits still wake the relay', async () => {
    const messaging = messagingFor('recovery.listen', {
      // Only a notification can wake this relay within the test's patience.
      relaySettings: { pollIntervalMs: 120_000 },
    });
    await messaging.start();
    // Written by another process: this one's own commits wake its relay without a notification.
    const first = await writeUserElsewhere('Notified');
    await eventually(async () => (await effectCount(bed.db, first.userId)) === 1);

    const listener = sql<{ pid: number }>`select pid from pg_stat_activity
      where application_name = 'outbox-listener' and datname = current_database()`;
    const [old] = (await listener.execute(bed.db)).rows;
    await sql`select pg_terminate_backend(${old!.pid})`.execute(bed.db);
    // The listener connects again by itself (and reads what was committed meanwhile).
    await eventually(async () =>
      (await listener.execute(bed.db)).rows.some(({ pid }) => pid !== old!.pid),
    );
    const second = await writeUserElsewhere('Renotified');
    await eventually(async () => (await effectCount(bed.db, second.userId)) === 1);
    // Marked sent by the next claim or on its own just after (not necessarily before the consumer).
    expect(await eventually(async () => (await messaging.relay!.backlog()) === 0)).toBe(true);
  });

  it('when this process commits an event, then its relay publishes it at once, and the commit sends no NOTIFY', async () => {
    const listening = new pg.Client({ connectionString: bed.databaseUrl });
    await listening.connect();
    const heard: string[] = [];
    listening.on('notification', (n) => heard.push(n.channel));
    await listening.query('listen bazaar_outbox');
    try {
      // No LISTEN connection and no poll within the test's patience: only the commit can wake it.
      const messaging = messagingFor('recovery.own-commit', {
        databaseUrl: undefined,
        relaySettings: { pollIntervalMs: 120_000 },
      });
      await messaging.start();
      const data = await writeUser('Own');
      await eventually(async () => (await effectCount(bed.db, data.userId)) === 1);
      const alone = userRegistered('Own, alone');
      await writeEvent(bed.db, { type: 'user.registered', data: alone });
      await eventually(async () => (await effectCount(bed.db, alone.userId)) === 1);
      // Anything committed before has reached the listener by the end of its next query.
      await listening.query('select 1');
      expect(heard).toEqual([]);

      // Another process's commit still notifies (and wakes whichever relay listens).
      await writeUserElsewhere('Other');
      await listening.query('select 1');
      expect(heard).toEqual(['bazaar_outbox']);
    } finally {
      await listening.end();
    }
  });

  it('when there is no LISTEN connection, then the relay finds events by polling', async () => {
    const messaging = createMessaging({
      url,
      service,
      db: bed.db,
      namespace,
      relaySettings: { pollIntervalMs: 100 },
    });
    messaging.subscribe('recovery.polling', {
      'user.registered': recordEffect('recovery.polling'),
    });
    bed.track(messaging);
    await messaging.start();
    const data = await writeUser('Polled');
    await eventually(
      async () =>
        (
          await sql<{ n: number }>`select count(*)::int as n from effects
          where user_id = ${data.userId} and queue = 'recovery.polling'`.execute(bed.db)
        ).rows[0]!.n === 1,
    );
    // The relay marks the row sent after the broker's confirm, which may come after the handler.
    expect(await eventually(async () => (await messaging.relay!.backlog()) === 0)).toBe(true);
  });

  it('when stopping with a handler in flight, then stop waits for it and its effect is committed', async () => {
    const queue = 'recovery.stop';
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const record = recordEffect(queue);
    const messaging = createMessaging({ url, service, db: bed.db, namespace, relay: false });
    messaging.subscribe(queue, {
      'user.registered': async (event, trx) => {
        entered();
        await released;
        await record(event, trx);
      },
    });
    await messaging.start();
    const data = userRegistered('Slow');
    await publishEvent({ url, namespace, type: 'user.registered', data });
    await inHandler;

    let stopped = false;
    const stopping = messaging.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await effectCount(bed.db, data.userId)).toBe(1);
    await expect(messaging.check()).rejects.toThrow('not connected');
  });

  it('when the broker cannot be reached, then start keeps retrying until stopped and messaging_broker_connected is 0', async () => {
    const registry = new Registry();
    const messaging = createMessaging({
      url: 'amqp://guest:guest@127.0.0.1:1',
      service,
      db: bed.db,
      namespace,
      metrics: registry,
    });
    const starting = messaging.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(messaging.check()).rejects.toThrow('not connected');
    expect(await metricValue(registry, 'messaging_broker_connected', {})).toBe(0);
    await messaging.stop();
    await starting;
  });

  it('when subscriptions are declared wrongly, then subscribe says why', async () => {
    const messaging = createMessaging({ url, service, db: bed.db, namespace });
    messaging.subscribe('recovery.twice', { 'user.registered': recordEffect('x') });
    expect(() =>
      messaging.subscribe('recovery.twice', { 'user.registered': recordEffect('x') }),
    ).toThrow('subscribed twice');
    expect(() => messaging.subscribe('recovery.none', {})).toThrow('no handlers');
    bed.track(messaging);
    await messaging.start();
    expect(() =>
      messaging.subscribe('recovery.late', { 'user.registered': recordEffect('x') }),
    ).toThrow('after start');
  });

  it('when an event does not match its schema, then writeEvent refuses it and nothing is written', async () => {
    await expect(
      bed.db.transaction().execute((trx) =>
        writeEvent(trx, {
          type: 'user.registered',
          data: { userId: 'not-a-uuid', email: 'a@b.c', name: 'x' },
        }),
      ),
    ).rejects.toThrow(InvalidEventError);
  });

  it('when two instances share one metrics registry, then both count into the same series', async () => {
    const registry = new Registry();
    const a = createMessaging({ url, service, db: bed.db, namespace, metrics: registry });
    const b = createMessaging({ url, service, db: bed.db, namespace, metrics: registry });
    expect(a).not.toBe(b);
    await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data: userRegistered() }));
    const backlog = await b.relay!.backlog();
    expect(backlog).toBeGreaterThan(0);
    expect(await metricValue(registry, 'messaging_outbox_backlog', {})).toBe(backlog);
    expect(await registry.metrics()).toContain('messaging_dead_lettered_total');
  });
});
