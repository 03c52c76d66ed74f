import type { EventEnvelope } from '@bazaar/contracts';
import { eventually } from '@bazaar/testing';
import { sql, type Kysely } from 'kysely';
import { Registry } from 'prom-client';
import {
  inboxInsertFrom,
  type EventHandler,
  type InboxEntry,
  type Messaging,
} from '../src/index.js';
import { publishEvent } from '../src/testing.js';
import {
  effectCount,
  metricValue,
  recordEffect,
  useTestbed,
  userRegistered,
  type TestDatabase,
} from './support.js';

const QUEUE = 'alone.users';

describe("a lone delivery applied by its handler's one statement", () => {
  const bed = useTestbed('one_statement');
  const registry = new Registry();
  let messaging: Messaging<TestDatabase>;
  /** Users whose message each form of the handler applied. */
  const inTransaction: string[] = [];
  const alone: string[] = [];
  /** Users the one-statement form declines (false) or fails on (throws) without writing. */
  const declined = new Set<string>();
  const broken = new Set<string>();

  /** The effect and the inbox row in one statement, outside any transaction. */
  async function effectAlone(
    event: EventEnvelope<'user.registered'>,
    db: Kysely<TestDatabase>,
    inbox: InboxEntry,
  ): Promise<boolean> {
    const { userId } = event.data;
    if (declined.has(userId)) return false;
    if (broken.has(userId)) throw new Error(`cannot apply ${userId} alone`);
    const { rows } = await sql<{ applied: number }>`
      with applied as (
        insert into effects (message_id, queue, user_id)
        values (${event.id}::uuid, ${QUEUE}, ${userId}::uuid)
        returning id
      ), inboxed as (${inboxInsertFrom(inbox, 'applied')})
      select count(*)::int as applied from applied`.execute(db);
    alone.push(userId);
    return rows[0]!.applied === 1;
  }

  beforeAll(async () => {
    messaging = bed.messaging({
      service: 'alone',
      metrics: registry,
      relay: false,
      subscriptionDefaults: { retryDelaysMs: [100], prefetch: 8, batchSize: 8 },
    });
    const record = recordEffect(QUEUE);
    const handler: EventHandler<TestDatabase, 'user.registered'> = async (event, trx) => {
      inTransaction.push(event.data.userId);
      await record(event, trx);
    };
    handler.alone = effectAlone;
    messaging.subscribe(QUEUE, { 'user.registered': handler });
    await messaging.start();
  });

  async function inboxRows(id: string): Promise<number> {
    const { rows } = await sql<{ count: number }>`
      select count(*)::int as count from inbox_messages
      where queue = ${QUEUE} and message_id = ${id}::uuid`.execute(bed.db);
    return rows[0]!.count;
  }

  const consumed = () =>
    metricValue(registry, 'messaging_consumed_total', { queue: QUEUE, type: 'user.registered' });

  it('when a delivery arrives alone and its handler has a one-statement form, then that statement applies it with its inbox row and no transaction of the handler runs', async () => {
    const before = await consumed();
    const user = userRegistered('Alone');
    const { id } = await publishEvent({
      url: bed.url,
      namespace: bed.namespace,
      type: 'user.registered',
      data: user,
    });

    await eventually(async () => (await effectCount(bed.db, user.userId)) === 1);
    expect(alone).toContain(user.userId);
    expect(inTransaction).not.toContain(user.userId);
    expect(await inboxRows(id)).toBe(1);
    await eventually(async () => (await consumed()) === before + 1);
  });

  it('when the same message comes again after its one statement applied it, then the second statement fails on the inbox row, writes nothing, and the copy is absorbed as a duplicate', async () => {
    const user = userRegistered('Twice');
    const first = await publishEvent({
      url: bed.url,
      namespace: bed.namespace,
      type: 'user.registered',
      data: user,
    });
    await eventually(async () => (await effectCount(bed.db, user.userId)) === 1);
    const duplicates = await metricValue(registry, 'messaging_duplicates_total', { queue: QUEUE });

    await publishEvent({
      url: bed.url,
      namespace: bed.namespace,
      type: 'user.registered',
      data: user,
      id: first.id,
    });

    await eventually(
      async () =>
        (await metricValue(registry, 'messaging_duplicates_total', { queue: QUEUE })) ===
        duplicates + 1,
    );
    expect(await effectCount(bed.db, user.userId)).toBe(1);
    expect(await inboxRows(first.id)).toBe(1);
    expect(inTransaction).not.toContain(user.userId);
  });

  it.each([
    ['declines it', declined],
    ['fails', broken],
  ])(
    'when the one-statement form %s, then the message is applied in a transaction, once',
    async (_, how) => {
      const user = userRegistered('Elsewhere');
      how.add(user.userId);
      const { id } = await publishEvent({
        url: bed.url,
        namespace: bed.namespace,
        type: 'user.registered',
        data: user,
      });

      await eventually(async () => (await effectCount(bed.db, user.userId)) === 1);
      expect(inTransaction.filter((u) => u === user.userId)).toHaveLength(1);
      expect(alone).not.toContain(user.userId);
      expect(await inboxRows(id)).toBe(1);
    },
  );
});
