import type { EventEnvelope } from '@bazaar/contracts';
import { eventually } from '@bazaar/testing';
import { sql, type Kysely } from 'kysely';
import {
  inboxInsertFrom,
  queueNames,
  type EventHandler,
  type Handling,
  type InboxEntry,
  type Messaging,
} from '../src/index.js';
import { publishEvent } from '../src/testing.js';
import {
  effectCount,
  readQueue,
  readyCount,
  recordEffect,
  useTestbed,
  userRegistered,
  type TestDatabase,
} from './support.js';

const QUEUE = 'after_commit.users';
const RETRY_DELAYS = [100];

describe("a handler's after-commit calls", () => {
  const bed = useTestbed('after_commit');
  let messaging: Messaging<TestDatabase>;
  /** How many times each user's handler ran (any form, committed or not). */
  const runs = new Map<string, number>();
  /** Each after-commit call made, in order, with the user's effect count read from then on. */
  const calls: Array<{ user: string; effects: Promise<number> }> = [];
  const failing = new Set<string>();
  /** Users whose handler's after-commit call throws. */
  const throwing = new Set<string>();
  /** Users a lone delivery of is applied by the one-statement form; others decline it. */
  const byStatement = new Set<string>();
  let gate: { user: string; reached: () => void; open: Promise<void> } | undefined;

  const callsOf = (user: string) => calls.filter((call) => call.user === user);

  /** Asks to be called after the commit; the call reads the effect from another connection. */
  function askAfterCommit(user: string, { afterCommit }: Handling): void {
    runs.set(user, (runs.get(user) ?? 0) + 1);
    afterCommit(() => {
      calls.push({ user, effects: effectCount(bed.db, user) });
      if (throwing.has(user)) throw new Error(`after-commit call of ${user} fails`);
    });
  }

  async function alone(
    event: EventEnvelope<'user.registered'>,
    db: Kysely<TestDatabase>,
    inbox: InboxEntry,
    handling: Handling,
  ): Promise<boolean> {
    const { userId } = event.data;
    askAfterCommit(userId, handling);
    if (!byStatement.has(userId)) return false;
    const { rows } = await sql<{ applied: number }>`
      with applied as (
        insert into effects (message_id, queue, user_id)
        values (${event.id}::uuid, ${QUEUE}, ${userId}::uuid)
        returning id
      ), inboxed as (${inboxInsertFrom(inbox, 'applied')})
      select count(*)::int as applied from applied`.execute(db);
    return rows[0]!.applied === 1;
  }

  beforeAll(async () => {
    messaging = bed.messaging({
      service: 'after_commit',
      relay: false,
      subscriptionDefaults: { retryDelaysMs: RETRY_DELAYS, prefetch: 32, batchSize: 16 },
    });
    const record = recordEffect(QUEUE);
    const handler: EventHandler<TestDatabase, 'user.registered'> = async (event, trx, handling) => {
      const { userId } = event.data;
      if (gate?.user === userId) {
        gate.reached();
        await gate.open;
      }
      askAfterCommit(userId, handling);
      await record(event, trx);
      if (failing.has(userId)) throw new Error(`cannot handle ${userId}`);
    };
    handler.alone = alone;
    messaging.subscribe(QUEUE, { 'user.registered': handler });
    await messaging.start();
  });

  const publish = (data: ReturnType<typeof userRegistered>) =>
    publishEvent({ url: bed.url, namespace: bed.namespace, type: 'user.registered', data });

  /** Holds the consumer in a handler until the returned function is called. */
  async function holdConsumer(): Promise<() => void> {
    const holder = userRegistered('Holder');
    let reached!: () => void;
    let open!: () => void;
    const holding = new Promise<void>((resolve) => (reached = resolve));
    gate = { user: holder.userId, reached, open: new Promise((resolve) => (open = resolve)) };
    await publish(holder);
    await holding;
    return () => {
      gate = undefined;
      open();
    };
  }

  it("when a batch's transaction rolls back, then none of its calls is made; each message's call is made once after it commits alone, never for the one that keeps failing", async () => {
    const open = await holdConsumer();
    const mates = [userRegistered('Mate 0'), userRegistered('Mate 1')];
    const poison = userRegistered('Poison');
    failing.add(poison.userId);
    for (const data of [mates[0]!, poison, mates[1]!]) await publish(data);
    // Delivered behind the holder (prefetch 32): they are one batch.
    const { main, deadLetter } = queueNames(bed.namespace, QUEUE, RETRY_DELAYS);
    await eventually(async () => (await readyCount(bed.url, main)) === 0);
    open();

    await eventually(async () => (await readQueue(bed.url, deadLetter)).length === 1);
    // The first mate and the poison ran in the batch that rolled back, then alone.
    expect(runs.get(mates[0]!.userId)).toBe(2);
    // Each retry arrives alone: the one-statement form declines it, then the transaction fails.
    expect(runs.get(poison.userId)).toBe(2 + 2 * RETRY_DELAYS.length);
    for (const mate of mates) {
      const made = callsOf(mate.userId);
      expect(made).toHaveLength(1);
      // Made after the commit: another connection sees the effect from then on.
      expect(await made[0]!.effects).toBe(1);
    }
    expect(callsOf(poison.userId)).toEqual([]);
    expect(await effectCount(bed.db, poison.userId)).toBe(0);
  });

  it('when a batch commits, then each handler call is made once, in handler order, and one that throws does not stop the next', async () => {
    const open = await holdConsumer();
    const users = Array.from({ length: 4 }, (_, i) => userRegistered(`User ${i}`));
    throwing.add(users[1]!.userId);
    for (const data of users) await publish(data);
    const { main } = queueNames(bed.namespace, QUEUE, RETRY_DELAYS);
    await eventually(async () => (await readyCount(bed.url, main)) === 0);
    open();

    const ids = users.map((u) => u.userId);
    await eventually(() => ids.every((id) => callsOf(id).length === 1));
    expect(calls.map((c) => c.user).filter((user) => ids.includes(user))).toEqual(ids);
    for (const id of ids) {
      expect(runs.get(id)).toBe(1);
      expect(await callsOf(id)[0]!.effects).toBe(1);
    }
  });

  it('when a lone delivery is applied by its one statement, then its call is made once after it', async () => {
    const user = userRegistered('Alone');
    byStatement.add(user.userId);
    await publish(user);

    await eventually(() => callsOf(user.userId).length === 1);
    expect(runs.get(user.userId)).toBe(1);
    expect(await callsOf(user.userId)[0]!.effects).toBe(1);
  });

  it('when the one-statement form declines a lone delivery, then its call is not made; the call asked in the transaction that applies it is, once', async () => {
    const user = userRegistered('Declined');
    await publish(user);

    await eventually(() => callsOf(user.userId).length === 1);
    // Asked twice (the declined statement, then the transaction), made once.
    expect(runs.get(user.userId)).toBe(2);
    expect(await callsOf(user.userId)[0]!.effects).toBe(1);
  });
});
