import type { EventEnvelope, EventType, Topology } from '@bazaar/contracts';
import { PUBLISHERS, TOPOLOGY as BAZAAR } from '@bazaar/contracts';
import amqp from 'amqplib';
import { sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { eventually } from '@bazaar/testing';
import { HEADERS, queueNames, writeEvent, type MessagingOptions } from '../src/index.js';
import { publishEvent, testAmqpUrl } from '../src/testing.js';
import {
  effectCount,
  readQueue,
  recordEffect,
  type TestDatabase,
  userRegistered,
  useTestbed,
} from './support.js';

const url = testAmqpUrl();

/** A system of its own: `users` publishes `user.registered`, two services consume it. */
const TOPOLOGY: Topology = {
  publishers: {
    'user.registered': 'users',
    'payment.authorized': PUBLISHERS['payment.authorized'],
  },
  subscriptions: {
    'topo.welcome': { service: 'mailer', types: ['user.registered'] },
    'topo.crm': { service: 'crm', types: ['user.registered'] },
    'topo.saga': { service: 'orders', types: ['payment.authorized'] },
  },
};

describe('declared topology', () => {
  const bed = useTestbed('topology');
  const { namespace } = bed;

  function messaging(service: string, extra: Partial<MessagingOptions<TestDatabase>> = {}) {
    return bed.messaging({ service, topology: TOPOLOGY, ...extra });
  }

  async function effects(queue: string, userId: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from effects where queue = ${queue} and user_id = ${userId}
    `.execute(bed.db);
    return rows[0]!.n;
  }

  it('when an event is published before any of its consumers ever started, then each consumer receives it when it starts', async () => {
    // Only the publisher runs: no consumer has declared anything yet.
    const users = messaging('users');
    await users.start();
    const user = userRegistered('Early');
    const id = await bed.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data: user }));
    const row = await eventually(async () => {
      const found = await bed.db
        .selectFrom('outbox_events')
        .select(['status', 'last_error'])
        .where('id', '=', id)
        .executeTakeFirst();
      return found && found.status !== 'pending' ? found : undefined;
    });
    expect(row).toEqual({ status: 'sent', last_error: null });

    // The consumers come later, one after the other (a first deploy in any order).
    const mailer = messaging('mailer', { relay: false });
    mailer.subscribe('topo.welcome', { 'user.registered': recordEffect('topo.welcome') });
    await mailer.start();
    await eventually(async () => (await effects('topo.welcome', user.userId)) === 1);
    const crm = messaging('crm', { relay: false });
    crm.subscribe('topo.crm', { 'user.registered': recordEffect('topo.crm') });
    await crm.start();
    await eventually(async () => (await effects('topo.crm', user.userId)) === 1);
    expect(await effectCount(bed.db, user.userId)).toBe(2);
  });

  it("with Bazaar's topology, when orders publishes order.created and order.cancelled before catalog and payments ever started, then each reaches every queue it is declared for", async () => {
    const bazaar = (service: string) => messaging(service, { topology: BAZAAR });
    const orders = bazaar('orders');
    await orders.start();
    const orderId = uuidv7();
    const userId = uuidv7();
    await bed.db.transaction().execute(async (trx) => {
      await writeEvent(trx, {
        type: 'order.created',
        data: {
          orderId,
          userId,
          lines: [
            { productId: uuidv7(), quantity: 1, unitPrice: { amount: 500, currency: 'EUR' } },
          ],
          total: { amount: 500, currency: 'EUR' },
          paymentMethodId: uuidv7(),
        },
      });
      await writeEvent(trx, {
        type: 'order.cancelled',
        data: { orderId, userId, reason: 'customer_cancelled' },
      });
    });
    await eventually(() => orders.relay!.backlog().then((n) => n === 0));

    // Later, the consumers start for the first time: each gets what its queues are bound to.
    const seen: string[] = [];
    const record = (queue: string) => async (event: EventEnvelope) => {
      if ((event.data as { orderId?: string }).orderId === orderId) {
        seen.push(`${queue} ${event.type}`);
      }
    };
    for (const service of ['catalog', 'payments']) {
      const consumer = bazaar(service);
      for (const [queue, declaration] of Object.entries(BAZAAR.subscriptions)) {
        if (declaration.service !== service) continue;
        const handlers = Object.fromEntries(
          declaration.types.map((type: EventType) => [type, record(queue)]),
        );
        consumer.subscribe(queue, handlers);
      }
      await consumer.start();
    }
    await eventually(() => seen.length === 3);
    expect(seen.sort()).toEqual([
      'catalog.orders order.cancelled',
      'catalog.orders order.created',
      'payments.orders order.cancelled',
    ]);
  });

  it('when a payment.authorized comes from anyone but payments, then it is dead-lettered as forbidden and never handled', async () => {
    const handled: string[] = [];
    const orders = messaging('orders', { relay: false });
    orders.subscribe('topo.saga', {
      'payment.authorized': async (event: EventEnvelope<'payment.authorized'>) => {
        handled.push(event.id);
      },
    });
    await orders.start();
    const data = () => ({
      orderId: uuidv7(),
      paymentId: uuidv7(),
      amount: { amount: 1000, currency: 'EUR' },
      provider: 'test',
    });
    const forged = await publishEvent({
      url,
      namespace,
      type: 'payment.authorized',
      data: data(),
      source: 'catalog',
    });
    const genuine = await publishEvent({
      url,
      namespace,
      type: 'payment.authorized',
      data: data(),
    });
    expect(genuine.source).toBe('payments');

    await eventually(() => handled.includes(genuine.id));
    const dead = await eventually(async () =>
      (await readQueue(url, queueNames(namespace, 'topo.saga', []).deadLetter)).find(
        (m) => m.properties.messageId === forged.id,
      ),
    );
    expect(dead.properties.headers![HEADERS.deadLetterKind]).toBe('forbidden');
    expect(String(dead.properties.headers![HEADERS.deadLetterReason])).toBe(
      'payment.authorized may come only from payments, not from catalog',
    );
    expect(handled).toEqual([genuine.id]);
  });

  it('when a message must be dead-lettered while its dead-letter queue is gone, then it is not lost: it lands there once the queue is back', async () => {
    const mailer = messaging('mailer', { relay: false });
    mailer.subscribe('topo.welcome', { 'user.registered': recordEffect('topo.welcome') });
    await mailer.start();
    const { deadLetter } = queueNames(namespace, 'topo.welcome', []);
    const connection = await amqp.connect(url);
    try {
      const channel = await connection.createChannel();
      await channel.deleteQueue(deadLetter);
    } finally {
      await connection.close();
    }
    const invalid = await publishEvent({
      url,
      namespace,
      type: 'user.registered',
      data: { userId: 'not-a-uuid', email: 'x', name: 'x' },
      validate: false,
    });
    const dead = await eventually(async () =>
      (await readQueue(url, deadLetter)).find((m) => m.properties.messageId === invalid.id),
    );
    expect(dead.properties.headers![HEADERS.deadLetterKind]).toBe('invalid');
  });

  it('when subscriptions differ from the declared topology, then subscribe says why', () => {
    const crm = messaging('crm');
    const record = recordEffect('x') as (e: unknown, t: Transaction<TestDatabase>) => Promise<void>;
    expect(() => crm.subscribe('topo.unknown', { 'user.registered': record })).toThrow(
      'queue topo.unknown is not declared in SUBSCRIPTIONS of @bazaar/contracts',
    );
    expect(() => crm.subscribe('topo.welcome', { 'user.registered': record })).toThrow(
      'queue topo.welcome belongs to mailer',
    );
    expect(() =>
      crm.subscribe('topo.crm', { 'user.registered': record, 'order.shipped': record }),
    ).toThrow('queue topo.crm handles order.shipped, user.registered but');
    expect(() =>
      crm.subscribe('topo.crm', { 'user.registered': record }, { deliveryLimit: 3 }),
    ).toThrow('deliveryLimit 10');
  });
});
