import { afterAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import {
  brokerObjects,
  closeConnections,
  deleteNamespace,
  testAmqpUrl,
  testNamespace,
} from '../src/testing.js';

// The test helpers drive the broker through its management API (no rabbitmqctl on the machine).
const namespace = testNamespace('testing-helpers');

afterAll(() => deleteNamespace({ namespace }));

describe('the broker test helpers', () => {
  it('when another process declared queues and an exchange under a namespace, then deleteNamespace finds and deletes them', async () => {
    // As a service process would: names this process's topology never heard of.
    const connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createChannel();
    await channel.assertExchange(`${namespace}elsewhere`, 'topic', { durable: true });
    await channel.assertQueue(`${namespace}orders.thing`, { durable: true });
    await channel.assertQueue(`${namespace}orders.thing.retry.1000ms`, { durable: true });
    await connection.close();
    expect((await brokerObjects('queues', namespace)).sort()).toEqual([
      `${namespace}orders.thing`,
      `${namespace}orders.thing.retry.1000ms`,
    ]);

    await deleteNamespace({ namespace });

    expect(await brokerObjects('queues', namespace)).toEqual([]);
    expect(await brokerObjects('exchanges', namespace)).toEqual([]);
  });

  it('when connections are named with a prefix, then closeConnections closes those and no other', async () => {
    const ours = await amqp.connect(testAmqpUrl(), {
      clientProperties: { connection_name: `${namespace}closing` },
    });
    const other = await amqp.connect(testAmqpUrl(), {
      clientProperties: { connection_name: `${namespace.slice(0, -1)}-other` },
    });
    const closed = new Promise<void>((resolve) => ours.once('close', () => resolve()));
    ours.on('error', () => undefined);
    try {
      expect(await closeConnections(`${namespace}closing`)).toBe(1);
      await closed;
      const channel = await other.createChannel();
      await channel.close();
    } finally {
      await other.close();
    }
  });
});
