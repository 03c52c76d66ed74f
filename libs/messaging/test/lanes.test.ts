import { createTestDatabase, type TestDatabase as Db } from '@bazaar/db/testing';
import { eventually } from '@bazaar/testing';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { createMessaging, queueNames, type Messaging } from '../src/index.js';
import { laneOf } from '../src/lanes.js';
import { deleteNamespace, publishEvent, testAmqpUrl, testNamespace } from '../src/testing.js';
import {
  effectCount,
  metricValue,
  migrations,
  readyCount,
  recordEffect,
  type TestDatabase,
} from './support.js';

const url = testAmqpUrl();
const QUEUE = 'lanes.users';
const LANES = 4;

/** A user.registered whose `name` is its lane key and whose email carries its place in a sequence. */
function registered(key: string, seq: number) {
  const userId = uuidv7();
  return { userId, email: `${seq}.${userId}@example.test`, name: key };
}

/** Two keys that fall in different lanes. */
function keysInTwoLanes(): [string, string] {
  const first = 'key-0';
  for (let i = 1; ; i++) {
    const other = `key-${i}`;
    if (laneOf(other, LANES) !== laneOf(first, LANES)) return [first, other];
  }
}

describe('consumer lanes', () => {
  const namespace = testNamespace('lanes');
  const { main } = queueNames(namespace, QUEUE, []);
  const registry = new Registry();
  let database: Db<TestDatabase>;
  let messaging: Messaging<TestDatabase>;
  /** Each key's sequence numbers in the order its handler ran. */
  const ran = new Map<string, number[]>();
  let gate: { userId: string; reached: () => void; open: Promise<void> } | undefined;

  beforeAll(async () => {
    database = await createTestDatabase<TestDatabase>('messaging_lanes', migrations);
    messaging = createMessaging({
      url,
      service: 'lanes',
      db: database.db,
      namespace,
      metrics: registry,
      relay: false,
      subscriptionDefaults: { retryDelaysMs: [200], prefetch: 64, batchSize: 4 },
    });
    const record = recordEffect(QUEUE);
    messaging.subscribe(
      QUEUE,
      {
        'user.registered': async (event, trx) => {
          const { name, email, userId } = event.data;
          ran.set(name, [...(ran.get(name) ?? []), Number(email.split('.')[0])]);
          if (gate?.userId === userId) {
            gate.reached();
            await gate.open;
          }
          await record(event, trx);
        },
      },
      { lanes: LANES, laneKey: (event) => (event.data as { name: string }).name },
    );
    await messaging.start();
  });

  afterAll(async () => {
    await messaging?.stop();
    await deleteNamespace({ url, namespace });
    await database?.drop();
  });

  it('when one lane is held, then the other lanes apply their deliveries meanwhile and the held key follows in delivery order', async () => {
    const [held, free] = keysInTwoLanes();
    const first = registered(held, 0);
    let reached!: () => void;
    let open!: () => void;
    const holding = new Promise<void>((resolve) => (reached = resolve));
    gate = { userId: first.userId, reached, open: new Promise((resolve) => (open = resolve)) };
    await publishEvent({ url, namespace, type: 'user.registered', data: first });
    await holding;

    const heldLater = [1, 2, 3, 4, 5].map((seq) => registered(held, seq));
    const others = Array.from({ length: 12 }, (_, seq) => registered(free, seq));
    for (let i = 0; i < 12; i++) {
      if (heldLater[i]) {
        await publishEvent({ url, namespace, type: 'user.registered', data: heldLater[i]! });
      }
      await publishEvent({ url, namespace, type: 'user.registered', data: others[i]! });
    }

    // The free key's deliveries are applied while its neighbour's first one is held.
    await eventually(async () => {
      const counts = await Promise.all(others.map((u) => effectCount(database.db, u.userId)));
      return counts.every((count) => count === 1);
    });
    expect(ran.get(free)).toEqual(others.map((_, seq) => seq));
    for (const user of [first, ...heldLater]) {
      expect(await effectCount(database.db, user.userId)).toBe(0);
    }
    expect(ran.get(held)).toEqual([0]);

    open();
    await eventually(async () => {
      const counts = await Promise.all(
        [first, ...heldLater].map((u) => effectCount(database.db, u.userId)),
      );
      return counts.every((count) => count === 1);
    });
    expect(ran.get(held)).toEqual([0, 1, 2, 3, 4, 5]);
    gate = undefined;
  });

  it('when many keys interleave, then every delivery is applied once and acked once, each key in delivery order', async () => {
    const keys = Array.from({ length: 9 }, (_, i) => `mixed-${i}`);
    const users = Array.from({ length: 90 }, (_, i) => registered(keys[i % keys.length]!, i));
    for (const data of users) await publishEvent({ url, namespace, type: 'user.registered', data });
    await eventually(async () => (await effectCount(database.db)) >= 6 + 12 + users.length);
    for (const key of keys) {
      const expected = users
        .filter((u) => u.name === key)
        .map((u) => Number(u.email.split('.')[0]));
      expect(ran.get(key)).toEqual(expected);
    }
    expect(await effectCount(database.db)).toBe(6 + 12 + users.length);
    // An ack of an unknown or already acked delivery would close the channel and bring every
    // unacked delivery back: none came back, and nothing is left unacked in the queue.
    expect(await metricValue(registry, 'messaging_duplicates_total', { queue: QUEUE })).toBe(0);
    await messaging.stop();
    expect(await readyCount(url, main)).toBe(0);
  });

  it('when a subscription asks for lanes without a lane key, then subscribe refuses it', () => {
    const other = createMessaging({
      url,
      service: 'lanes',
      db: database.db,
      namespace,
      relay: false,
    });
    expect(() =>
      other.subscribe(QUEUE, { 'user.registered': async () => undefined }, { lanes: 2 }),
    ).toThrow(/2 lanes but no laneKey/);
  });
});
