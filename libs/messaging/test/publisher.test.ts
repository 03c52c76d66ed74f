import { createTestDatabase, type TestDatabase as Db } from '@bazaar/db/testing';
import amqp from 'amqplib';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { eventually } from '@bazaar/testing';
import { BrokerConnection } from '../src/broker-connection.js';
import { BrokerUnavailableError, UnroutableError, writeEvent } from '../src/index.js';
import { silentLogger } from '../src/logger.js';
import { createMessagingMetrics } from '../src/metrics.js';
import { Publisher, type OutgoingMessage } from '../src/publisher.js';
import { OutboxRelay } from '../src/relay.js';
import type { MessagingTables } from '../src/tables.js';
import { testAmqpUrl, testNamespace } from '../src/testing.js';
import { migrations, testLogger, userRegistered } from './support.js';

const url = testAmqpUrl();

describe('publisher and relay edge cases', () => {
  const namespace = testNamespace('publisher');
  const exchange = `${namespace}direct`;
  const queue = `${namespace}sink`;
  let database: Db<MessagingTables>;
  let connection: BrokerConnection;
  let publisher: Publisher;
  let admin: amqp.ChannelModel;

  beforeAll(async () => {
    database = await createTestDatabase<MessagingTables>('messaging_publisher', migrations);
    admin = await amqp.connect(url);
    const channel = await admin.createChannel();
    await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
    await channel.assertQueue(queue, { durable: false, arguments: { 'x-max-length': 100_000 } });
    await channel.bindQueue(queue, exchange, 'sink');
    await channel.close();
    connection = new BrokerConnection({
      url,
      name: `publisher-test ${namespace}`,
      logger: testLogger() ?? silentLogger,
    });
    publisher = new Publisher(connection, silentLogger, 10_000);
    connection.add(publisher);
  });

  afterAll(async () => {
    await connection?.close();
    const channel = await admin.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await admin.close();
    await database?.drop();
  });

  function message(routingKey = 'sink', size = 64): OutgoingMessage {
    return {
      exchange,
      routingKey,
      content: Buffer.alloc(size, 'x'),
      properties: { messageId: uuidv7() },
    };
  }

  it('when not connected, then publishing fails with BrokerUnavailableError', async () => {
    await expect(publisher.publish(message())).rejects.toBeInstanceOf(BrokerUnavailableError);
  });

  it('when a large batch fills the socket, then publishing waits for drain and every message is confirmed', async () => {
    await connection.connect();
    const batch = Array.from({ length: 400 }, () => message('sink', 64 * 1024));
    const results = await publisher.publishAll(batch);
    expect(results.filter((r) => r !== undefined)).toEqual([]);
  });

  it('when a publish is unroutable, then it fails with the broker reason and the others succeed', async () => {
    const results = await publisher.publishAll([message('sink'), message('nowhere'), message()]);
    expect(results[0]).toBeUndefined();
    expect(results[1]?.message).toMatch(/unroutable.*NO_ROUTE/);
    expect(results[2]).toBeUndefined();
  });

  it('when a publish is unroutable, then its error is an UnroutableError built without a stack trace', async () => {
    const limit = Error.stackTraceLimit;
    const [result] = await publisher.publishAll([message('nowhere')]);
    expect(result).toBeInstanceOf(UnroutableError);
    expect(result).toBeInstanceOf(Error);
    const unroutable = result as UnroutableError;
    expect(unroutable).toMatchObject({
      name: 'UnroutableError',
      routingKey: 'nowhere',
      replyText: 'NO_ROUTE',
      message: 'unroutable: no queue bound to nowhere (NO_ROUTE)',
    });
    // No frames: the relay reads the key and the reply text only, for every unrouted event.
    expect(unroutable.stack).toBe(`UnroutableError: ${unroutable.message}`);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('after').stack).toMatch(/\n\s+at /);
  });

  it('when the channel is closed by a channel error, then pending publishes fail and the channel recovers by itself', async () => {
    const [result] = await publisher.publishAll([
      { ...message(), exchange: `${namespace}does-not-exist` },
    ]);
    expect(result?.message).toMatch(/closed/);
    await eventually(() => publisher.ready);
    await expect(publisher.publish(message())).resolves.toBeUndefined();
  });

  it('when the relay cannot get a confirm, then its rows are released for the next round', async () => {
    const relay = new OutboxRelay({
      db: database.db,
      connection,
      publisher,
      exchange: `${namespace}does-not-exist`,
      source: 'publisher-test',
      settings: {
        batchSize: 10,
        pollIntervalMs: 1000,
        retentionMs: 1000,
        pruneIntervalMs: 60_000,
        claimTimeoutMs: 60_000,
      },
      logger: silentLogger,
      metrics: createMessagingMetrics(new Registry(), async () => 0),
    });
    await eventually(() => publisher.ready);
    const id = await database.db
      .transaction()
      .execute((trx) => writeEvent(trx, { type: 'user.registered', data: userRegistered() }));

    const round = await relay.relayOnce();
    expect(round).toMatchObject({ claimed: 1, sent: 0, unconfirmed: 1 });
    const row = await database.db
      .selectFrom('outbox_events')
      .select(['status', 'available_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(row.available_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    // Broker away: the round fails before publishing and the claim is given back too.
    await connection.close();
    await expect(relay.relayOnce()).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(await relay.backlog()).toBe(1);
    const again = await database.db
      .selectFrom('outbox_events')
      .select('available_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(again.available_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
