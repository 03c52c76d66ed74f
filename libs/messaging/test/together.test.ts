import type { EventEnvelope } from '@bazaar/contracts';
import { createTestDatabase, type TestDatabase as Db } from '@bazaar/db/testing';
import { eventually } from '@bazaar/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { sql, type Transaction } from 'kysely';
import { Registry } from 'prom-client';
import {
  createMessaging,
  HEADERS,
  queueNames,
  type Delivered,
  type EventHandler,
  type Messaging,
} from '../src/index.js';
import { deleteNamespace, publishEvent, testAmqpUrl, testNamespace } from '../src/testing.js';
import {
  effectCount,
  migrations,
  readQueue,
  readyCount,
  userRegistered,
  type TestDatabase,
} from './support.js';

const url = testAmqpUrl();
const KEYED = 'together.keyed';
const UNKEYED = 'together.unkeyed';
const RETRY_DELAYS = [200];

/** How a delivery was applied: by the `together` form (with the others of its call) or alone. */
interface Applied {
  name: string;
  how: 'together' | 'handler';
  /** The names applied by the same `together` call, in the order handed over. */
  call?: string[];
  txid: string;
}

/** A user.registered named `name`; the keyed queue's key is its first word ("a 1", "a 2": "a"). */
const user = (name: string) => userRegistered(name);

describe('a handler applying several deliveries together', () => {
  const namespace = testNamespace('together');
  const keyed = queueNames(namespace, KEYED, []);
  let database: Db<TestDatabase>;
  let messaging: Messaging<TestDatabase>;
  const applied: Applied[] = [];
  /** Names the `together` form leaves to the handler; names whose handler throws. */
  const declined = new Set<string>();
  const failing = new Set<string>();
  /** Each delivery handed to `together`, and the message its `within` call's active span is about. */
  const within: Array<{ event: string; span: unknown }> = [];
  const provider = new BasicTracerProvider();
  let gate: { name: string; reached: () => void; open: Promise<void> } | undefined;

  const txid = async (trx: Transaction<TestDatabase>) =>
    (await sql<{ txid: string }>`select txid_current()::text as txid`.execute(trx)).rows[0]!.txid;

  function handlerFor(queue: string): EventHandler<TestDatabase, 'user.registered'> {
    const handler: EventHandler<TestDatabase, 'user.registered'> = async (event, trx) => {
      const { name, userId } = event.data;
      if (gate?.name === name) {
        gate.reached();
        await gate.open;
      }
      applied.push({ name, how: 'handler', txid: await txid(trx) });
      await trx
        .insertInto('effects')
        .values({ message_id: event.id, queue, user_id: userId } as never)
        .execute();
      if (failing.has(name)) throw new Error(`cannot handle ${name}`);
    };
    handler.together = async (deliveries: Array<Delivered<'user.registered'>>, trx) => {
      if (deliveries.some(({ event }) => failing.has(event.data.name))) {
        throw new Error('a delivery of this batch cannot be handled');
      }
      const taken = deliveries.filter(({ event }) => !declined.has(event.data.name));
      for (const delivery of deliveries) {
        const span = delivery.within(() => trace.getActiveSpan()) as ReadableSpan | undefined;
        within.push({ event: delivery.event.id, span: span?.attributes['messaging.message.id'] });
      }
      const id = await txid(trx);
      const call = taken.map(({ event }) => event.data.name);
      for (const name of call) applied.push({ name, how: 'together', call, txid: id });
      // One statement for all of them.
      if (taken.length > 0) {
        await sql`insert into effects (message_id, queue, user_id)
          select * from unnest(
            ${taken.map(({ event }) => event.id)}::uuid[],
            ${taken.map(() => queue)}::text[],
            ${taken.map(({ event }) => event.data.userId)}::uuid[])`.execute(trx);
      }
      return deliveries
        .filter(({ event }) => declined.has(event.data.name))
        .map(({ event }) => event.id);
    };
    return handler;
  }

  let unkeyedNamespace: string;
  let unkeyed: Messaging<TestDatabase>;

  /** A process subscribed to `queue` in `namespace`, with the deliveries' key or without. */
  function subscriber(
    namespace: string,
    queue: string,
    laneKey?: (event: EventEnvelope) => string,
  ): Messaging<TestDatabase> {
    const subscribed = createMessaging({
      url,
      service: 'together',
      db: database.db,
      namespace,
      metrics: new Registry(),
      relay: false,
      subscriptionDefaults: { retryDelaysMs: RETRY_DELAYS, prefetch: 32, batchSize: 16 },
    });
    subscribed.subscribe(queue, { 'user.registered': handlerFor(queue) }, { laneKey });
    return subscribed;
  }

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    database = await createTestDatabase<TestDatabase>('messaging_together', migrations);
    messaging = subscriber(
      namespace,
      KEYED,
      (event) => (event.data as { name: string }).name.split(' ')[0]!,
    );
    unkeyedNamespace = testNamespace('together_unkeyed');
    unkeyed = subscriber(unkeyedNamespace, UNKEYED);
    await Promise.all([messaging.start(), unkeyed.start()]);
  });

  afterAll(async () => {
    await Promise.all([messaging?.stop(), unkeyed?.stop()]);
    await deleteNamespace({ url, namespace });
    await deleteNamespace({ url, namespace: unkeyedNamespace });
    await database?.drop();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  /** Publishes a first delivery whose handler waits until `open` is called; the rest queue behind it. */
  async function holdConsumer(name: string, to = namespace): Promise<() => void> {
    let reached!: () => void;
    let open!: () => void;
    const holding = new Promise<void>((resolve) => (reached = resolve));
    gate = { name, reached, open: new Promise((resolve) => (open = resolve)) };
    await publishEvent({ url, namespace: to, type: 'user.registered', data: user(name) });
    await holding;
    return open;
  }

  const publishAll = async (names: string[], to = namespace) => {
    const users = names.map(user);
    for (const data of users) {
      await publishEvent({ url, namespace: to, type: 'user.registered', data });
    }
    return users;
  };

  const of = (name: string) => applied.filter((a) => a.name === name);

  it('when a batch holds several deliveries per key, then each wave of different keys goes to together at once, in one transaction, each key in delivery order', async () => {
    const open = await holdConsumer('hold 1');
    declined.add('c 1');
    const users = await publishAll(['a 1', 'b 1', 'a 2', 'c 1', 'b 2', 'a 3']);
    await eventually(async () => (await readyCount(url, keyed.main)) === 0);
    within.length = 0;
    open();

    await eventually(async () => {
      const counts = await Promise.all(users.map((u) => effectCount(database.db, u.userId)));
      return counts.every((count) => count === 1);
    });
    // Each key's first in the first call, its second in the second, and so on.
    expect(of('a 1')[0]!.call).toEqual(['a 1', 'b 1']);
    expect(of('a 2')[0]!.call).toEqual(['a 2', 'b 2']);
    // The last wave holds one delivery: the handler applies it.
    expect(of('a 3')).toEqual([expect.objectContaining({ how: 'handler' })]);
    // Left by together: applied by the handler, in the same wave's turn.
    expect(of('c 1')).toEqual([expect.objectContaining({ how: 'handler' })]);
    const order = applied.map((a) => a.name).filter((name) => !name.startsWith('hold'));
    expect(order.indexOf('c 1')).toBeLessThan(order.indexOf('a 2'));
    // All of it one transaction, each delivery applied once.
    expect(
      new Set(
        users.map((u) =>
          of(u.name)
            .map((a) => a.txid)
            .join(),
        ),
      ).size,
    ).toBe(1);
    // `within` ran each delivery's function in its own trace context (its process span).
    expect(within).toHaveLength(5);
    for (const { event, span } of within) expect(span).toBe(event);
    gate = undefined;
  });

  it('when together throws for one delivery, then the batch is applied one by one and that delivery alone is dead-lettered while its batch-mates commit', async () => {
    const open = await holdConsumer('hold 2');
    failing.add('p 1');
    const users = await publishAll(['d 1', 'p 1', 'e 1', 'f 1']);
    await eventually(async () => (await readyCount(url, keyed.main)) === 0);
    open();

    const mates = users.filter((u) => u.name !== 'p 1');
    await eventually(async () => {
      const counts = await Promise.all(mates.map((u) => effectCount(database.db, u.userId)));
      return counts.every((count) => count === 1);
    });
    const dead = await eventually(async () => {
      const found = await readQueue(url, keyed.deadLetter);
      return found.length ? found : undefined;
    });
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.content.toString()).data.name).toBe('p 1');
    expect(dead[0]!.properties.headers![HEADERS.deadLetterKind]).toBe('exhausted');
    expect(await effectCount(database.db, users[1]!.userId)).toBe(0);
    for (const mate of mates) expect(of(mate.name).map((a) => a.how)).toEqual(['handler']);
    gate = undefined;
  });

  it('when a subscription has no key, then together is never called and the batch is applied in delivery order', async () => {
    const open = await holdConsumer('hold 3', unkeyedNamespace);
    const users = await publishAll(['g 1', 'h 1', 'g 2'], unkeyedNamespace);
    const { main } = queueNames(unkeyedNamespace, UNKEYED, []);
    await eventually(async () => (await readyCount(url, main)) === 0);
    open();

    await eventually(async () => {
      const counts = await Promise.all(users.map((u) => effectCount(database.db, u.userId)));
      return counts.every((count) => count === 1);
    });
    for (const u of users) expect(of(u.name).map((a) => a.how)).toEqual(['handler']);
    const { rows } = await sql<{ user_id: string }>`
      select user_id::text from effects where queue = ${UNKEYED} order by id`.execute(database.db);
    expect(rows.map((r) => r.user_id).slice(-3)).toEqual(users.map((u) => u.userId));
    gate = undefined;
  });
});
