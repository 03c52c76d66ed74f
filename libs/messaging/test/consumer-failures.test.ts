import amqp from 'amqplib';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { eventually } from '@bazaar/testing';
import {
  HEADERS,
  PermanentError,
  replayDeadLetters,
  queueNames,
  type Messaging,
} from '../src/index.js';
import { publishEvent, testAmqpUrl } from '../src/testing.js';
import {
  effectCount,
  metricValue,
  readQueue,
  recordEffect,
  type TestDatabase,
  userRegistered,
  useTestbed,
} from './support.js';

const url = testAmqpUrl();
const QUEUE = 'failures.users';
const RETRY_DELAYS = [300, 1000, 3000];

describe('consumer failures', () => {
  const bed = useTestbed('failures');
  const { namespace } = bed;
  const { main, deadLetter: dlq } = queueNames(namespace, QUEUE, []);
  const registry = new Registry();
  let messaging: Messaging<TestDatabase>;
  /** userId -> times the handler saw it. */
  const attempts = new Map<string, number[]>();
  /** Users whose handling throws (a transient failure that never heals). */
  const failing = new Set<string>();
  const permanent = new Set<string>();

  beforeAll(async () => {
    messaging = bed.messaging({
      service: 'failures',
      databaseUrl: undefined,
      logger: undefined,
      metrics: registry,
      relay: false,
      subscriptionDefaults: { retryDelaysMs: RETRY_DELAYS },
    });
    const record = recordEffect(QUEUE);
    messaging.subscribe(QUEUE, {
      'user.registered': async (event, trx) => {
        const { userId } = event.data;
        attempts.set(userId, [...(attempts.get(userId) ?? []), Date.now()]);
        // The effect is written before the failure: the rollback must undo it.
        await record(event, trx);
        if (failing.has(userId)) throw new Error(`cannot handle ${userId} yet`);
        if (permanent.has(userId)) throw new PermanentError(`user ${userId} is unknown here`);
      },
    });
    await messaging.start();
  });

  async function deadLetters(id: string) {
    return (await readQueue(url, dlq)).filter((m) => m.properties.messageId === id);
  }

  it('when the same message is delivered twice, then it has one effect', async () => {
    const data = userRegistered();
    const id = uuidv7();
    await publishEvent({ url, namespace, type: 'user.registered', data, id });
    await publishEvent({ url, namespace, type: 'user.registered', data, id });

    await eventually(
      async () =>
        (await metricValue(registry, 'messaging_duplicates_total', { queue: QUEUE })) >= 1,
    );
    expect(await effectCount(bed.db, data.userId)).toBe(1);
    expect(attempts.get(data.userId)).toHaveLength(1);
  });

  it('when a handler always throws, then the message is retried with growing delays and dead-lettered with its reason, while later messages keep flowing', async () => {
    const poisoned = userRegistered('Poison');
    failing.add(poisoned.userId);
    const { id } = await publishEvent({ url, namespace, type: 'user.registered', data: poisoned });
    // Once the first attempt failed, a healthy message goes through while the poisoned one waits.
    await eventually(() => attempts.get(poisoned.userId)?.length === 1);
    const healthy = userRegistered('Healthy');
    await publishEvent({ url, namespace, type: 'user.registered', data: healthy });
    await eventually(async () => (await effectCount(bed.db, healthy.userId)) === 1);
    expect(attempts.get(poisoned.userId)!.length).toBeLessThan(RETRY_DELAYS.length + 1);

    const [dead] = await eventually(async () => {
      const found = await deadLetters(id);
      return found.length ? found : undefined;
    });
    const seen = attempts.get(poisoned.userId)!;
    expect(seen).toHaveLength(RETRY_DELAYS.length + 1);
    // Each wait at least as long as its delay (a TTL never fires early; it may fire late).
    seen.slice(1).forEach((time, index) => {
      expect(time - seen[index]!).toBeGreaterThanOrEqual(RETRY_DELAYS[index]! - 50);
    });
    const headers = dead!.properties.headers!;
    expect(headers[HEADERS.deadLetterKind]).toBe('exhausted');
    expect(String(headers[HEADERS.deadLetterReason])).toContain(`cannot handle ${poisoned.userId}`);
    expect(headers[HEADERS.queue]).toBe(QUEUE);
    expect(await effectCount(bed.db, poisoned.userId)).toBe(0);
    expect(
      await metricValue(registry, 'messaging_retried_total', { queue: QUEUE }),
    ).toBeGreaterThanOrEqual(RETRY_DELAYS.length);
    expect(
      await metricValue(registry, 'messaging_dead_lettered_total', {
        queue: QUEUE,
        reason: 'exhausted',
      }),
    ).toBe(1);

    // Operators see it waiting: the DLQ depth, asked of the broker when metrics are scraped. The
    // dead letter was just read back and requeued; the broker counts it as ready again a moment
    // later, so the depth is awaited rather than read once (it read 0 about one run in ten).
    await eventually(() => metricValue(registry, 'messaging_dlq_depth', { queue: QUEUE }), {
      until: (depth) => depth >= 1,
      what: 'the DLQ depth to show the dead letter',
    });

    // The bug is fixed: replaying the DLQ handles it, once.
    failing.delete(poisoned.userId);
    const { replayed } = await replayDeadLetters({
      url,
      namespace,
      queue: QUEUE,
      filter: (message) => message.properties.messageId === id,
    });
    expect(replayed).toBe(1);
    await eventually(async () => (await effectCount(bed.db, poisoned.userId)) === 1);
    expect(await deadLetters(id)).toHaveLength(0);
  });

  it('when a handler throws a PermanentError, then the message goes to the DLQ without retries', async () => {
    const data = userRegistered('Unknown');
    permanent.add(data.userId);
    const { id } = await publishEvent({ url, namespace, type: 'user.registered', data });

    const [dead] = await eventually(async () => {
      const found = await deadLetters(id);
      return found.length ? found : undefined;
    });
    expect(dead!.properties.headers![HEADERS.deadLetterKind]).toBe('permanent');
    expect(String(dead!.properties.headers![HEADERS.deadLetterReason])).toContain(
      'is unknown here',
    );
    expect(attempts.get(data.userId)).toHaveLength(1);
    expect(await effectCount(bed.db, data.userId)).toBe(0);
  });

  it('when a message fails its schema, then it goes to the DLQ at once and the handler never sees it', async () => {
    const data = { ...userRegistered('Bad'), email: 42 } as never;
    const { id } = await publishEvent({
      url,
      namespace,
      type: 'user.registered',
      data,
      validate: false,
    });

    const [dead] = await eventually(async () => {
      const found = await deadLetters(id);
      return found.length ? found : undefined;
    });
    expect(dead!.properties.headers![HEADERS.deadLetterKind]).toBe('invalid');
    expect(String(dead!.properties.headers![HEADERS.deadLetterReason])).toContain('data/email');
    expect(attempts.has((data as { userId: string }).userId)).toBe(false);
  });

  it('when a message is not JSON or of a type the queue has no handler for, then it is dead-lettered', async () => {
    const connection = await amqp.connect(url);
    try {
      const channel = await connection.createConfirmChannel();
      const notJson = uuidv7();
      const unhandled = uuidv7();
      // Straight into the queue, as a misconfigured producer or a wrong binding would.
      channel.sendToQueue(main, Buffer.from('{not json'), { messageId: notJson });
      const envelope = {
        id: unhandled,
        type: 'order.shipped',
        version: 1,
        time: new Date().toISOString(),
        source: 'test',
        data: { orderId: uuidv7(), userId: uuidv7() },
      };
      channel.sendToQueue(main, Buffer.from(JSON.stringify(envelope)), {
        messageId: unhandled,
      });
      await channel.waitForConfirms();

      const dead = await eventually(async () => {
        const found = (await readQueue(url, dlq)).filter((m) =>
          [notJson, unhandled].includes(String(m.properties.messageId)),
        );
        return found.length === 2 ? found : undefined;
      });
      const kinds = Object.fromEntries(
        dead.map((m) => [m.properties.messageId, m.properties.headers![HEADERS.deadLetterKind]]),
      );
      expect(kinds).toEqual({ [notJson]: 'invalid', [unhandled]: 'unhandled' });
    } finally {
      await connection.close();
    }
  });
});
