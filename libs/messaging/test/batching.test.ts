import { createTestDatabase, type TestDatabase as Db } from '@bazaar/db/testing';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { createMessaging, HEADERS, queueNames, type Messaging } from '../src/index.js';
import { eventually } from '@bazaar/testing';
import { deleteNamespace, publishEvent, testAmqpUrl, testNamespace } from '../src/testing.js';
import {
  effectCount,
  metricValue,
  migrations,
  readQueue,
  readyCount,
  recordEffect,
  userRegistered,
  type TestDatabase,
} from './support.js';

const url = testAmqpUrl();
const QUEUE = 'batching.users';
const RETRY_DELAYS = [200, 400];

describe('consumer batches', () => {
  const namespace = testNamespace('batching');
  const { main, deadLetter: dlq } = queueNames(namespace, QUEUE, []);
  const registry = new Registry();
  let database: Db<TestDatabase>;
  let messaging: Messaging<TestDatabase>;
  /** userId -> the transaction (txid) of each time the handler saw it. */
  const seen = new Map<string, string[]>();
  const failing = new Set<string>();
  /** A handler waiting here holds its batch (and the deliveries behind it) until released. */
  let gate: { user: string; reached: () => void; open: Promise<void> } | undefined;

  beforeAll(async () => {
    database = await createTestDatabase<TestDatabase>('messaging_batching', migrations);
    messaging = createMessaging({
      url,
      service: 'batching',
      db: database.db,
      namespace,
      metrics: registry,
      relay: false,
      subscriptionDefaults: { retryDelaysMs: RETRY_DELAYS, prefetch: 32, batchSize: 16 },
      inboxSettings: { retentionMs: 0 },
    });
    const record = recordEffect(QUEUE);
    messaging.subscribe(QUEUE, {
      'user.registered': async (event, trx) => {
        const { userId } = event.data;
        const { rows } = await sql<{ txid: string }>`select txid_current()::text as txid`.execute(
          trx,
        );
        seen.set(userId, [...(seen.get(userId) ?? []), rows[0]!.txid]);
        if (gate?.user === userId) {
          gate.reached();
          await gate.open;
        }
        // The effect is written before the failure: the rollback must undo it.
        await record(event, trx);
        if (failing.has(userId)) throw new Error(`cannot handle ${userId}`);
      },
    });
    await messaging.start();
  });

  afterAll(async () => {
    await messaging?.stop();
    await deleteNamespace({ url, namespace });
    await database?.drop();
  });

  /**
   * Publishes a message whose handler waits until the returned `open` is called: the consumer
   * is held while the messages under test are delivered behind it.
   */
  async function holdConsumer(name: string): Promise<() => void> {
    const holder = userRegistered(name);
    let reached!: () => void;
    let open!: () => void;
    const holding = new Promise<void>((resolve) => (reached = resolve));
    gate = { user: holder.userId, reached, open: new Promise((resolve) => (open = resolve)) };
    await publishEvent({ url, namespace, type: 'user.registered', data: holder });
    await holding;
    return open;
  }

  it('when one message of a batch keeps failing, then it alone is retried and dead-lettered while its batch-mates commit once', async () => {
    // A first message holds the consumer while the batch under test is delivered behind it.
    const open = await holdConsumer('Holder');

    const mates = Array.from({ length: 8 }, (_, i) => userRegistered(`Mate ${i}`));
    const poison = userRegistered('Poison');
    failing.add(poison.userId);
    const batch = [...mates.slice(0, 4), poison, ...mates.slice(4)];
    const ids: string[] = [];
    for (const data of batch) {
      ids.push((await publishEvent({ url, namespace, type: 'user.registered', data })).id);
    }
    const poisonId = ids[4]!;
    // All of them delivered (prefetch 32) and waiting behind the holder: they form one batch.
    await eventually(async () => (await readyCount(url, main)) === 0);
    open();

    // The batch-mates commit, each once, without waiting for the poison's retries.
    await eventually(async () => {
      const counts = await Promise.all(mates.map((m) => effectCount(database.db, m.userId)));
      return counts.every((count) => count === 1);
    });
    // Those before the poison were one transaction with it (which it failed), then each was
    // applied alone; those after it were applied alone only.
    const batchTx = seen.get(poison.userId)![0];
    for (const mate of mates.slice(0, 4)) {
      const txs = seen.get(mate.userId)!;
      expect(txs).toHaveLength(2);
      expect(txs[0]).toBe(batchTx);
      expect(txs[1]).not.toBe(batchTx);
    }
    for (const mate of mates.slice(4)) {
      expect(seen.get(mate.userId)).toHaveLength(1);
      expect(seen.get(mate.userId)![0]).not.toBe(batchTx);
    }

    // The poison is retried alone, then dead-lettered alone.
    const dead = await eventually(async () => {
      const found = await readQueue(url, dlq);
      return found.length ? found : undefined;
    });
    expect(dead.map((m) => m.properties.messageId)).toEqual([poisonId]);
    expect(dead[0]!.properties.headers![HEADERS.deadLetterKind]).toBe('exhausted');
    // The batch try, its first try alone, then one per retry delay.
    expect(seen.get(poison.userId)).toHaveLength(RETRY_DELAYS.length + 2);
    expect(await effectCount(database.db, poison.userId)).toBe(0);
    expect(await metricValue(registry, 'messaging_retried_total', { queue: QUEUE })).toBe(
      RETRY_DELAYS.length,
    );
    expect(
      await metricValue(registry, 'messaging_consumed_total', {
        queue: QUEUE,
        type: 'user.registered',
      }),
    ).toBe(1 + mates.length);
    for (const mate of mates) expect(await effectCount(database.db, mate.userId)).toBe(1);
    gate = undefined;
  });

  it('when a batch goes through, then it is one transaction and every message in it has its effect once', async () => {
    const open = await holdConsumer('Holder 2');

    const users = Array.from({ length: 5 }, (_, i) => userRegistered(`User ${i}`));
    const twice = users[2]!;
    const twiceId = (await publishEvent({ url, namespace, type: 'user.registered', data: twice }))
      .id;
    for (const data of users.filter((u) => u !== twice)) {
      await publishEvent({ url, namespace, type: 'user.registered', data });
    }
    // The same message again, in the same batch: the inbox lets it through once.
    await publishEvent({ url, namespace, type: 'user.registered', data: twice, id: twiceId });
    await eventually(async () => (await readyCount(url, main)) === 0);
    open();

    await eventually(async () => {
      const counts = await Promise.all(users.map((u) => effectCount(database.db, u.userId)));
      return counts.every((count) => count === 1);
    });
    const transactions = new Set(users.map((u) => seen.get(u.userId)!.join()));
    expect(transactions.size).toBe(1);
    expect(seen.get(twice.userId)).toHaveLength(1);
    await eventually(
      async () =>
        (await metricValue(registry, 'messaging_duplicates_total', { queue: QUEUE })) >= 1,
    );
    gate = undefined;
  });

  it('when inbox rows are past their retention, then the consuming process prunes them (it has no relay)', async () => {
    expect(messaging.relay).toBeUndefined();
    const { rows } = await sql<{ count: number }>`
      select count(*)::int as count from inbox_messages`.execute(database.db);
    expect(rows[0]!.count).toBeGreaterThan(0);
    expect(await messaging.inbox.prune()).toBe(rows[0]!.count);
    const after = await sql<{ count: number }>`
      select count(*)::int as count from inbox_messages`.execute(database.db);
    expect(after.rows[0]!.count).toBe(0);
  });
});
