import { randomBytes } from 'node:crypto';
import { exchangeNames } from '@bazaar/messaging';
import amqp from 'amqplib';
import { deleteBrokerNamespace, isNamespaceQueue } from '../src/broker-namespace.js';
import { AMQP } from './servers.js';

/** Whether the broker has a queue (or an exchange) of that name; a miss closes its channel. */
async function exists(
  connection: amqp.ChannelModel,
  kind: 'queue' | 'exchange',
  name: string,
): Promise<boolean> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await (kind === 'queue' ? channel.checkQueue(name) : channel.checkExchange(name));
    await channel.close();
    return true;
  } catch {
    return false;
  }
}

describe("the bench's broker namespace", () => {
  it('when a name is tested, then only the queues the topology makes in that namespace are its own', () => {
    for (const name of [
      's8ecatalog.orders.v2',
      's8ecatalog.orders.v1',
      's8ecatalog.orders.dlq',
      's8eorders.saga.v2.retry.1000ms',
      's8esearch.products.v2.retry.120000ms',
    ]) {
      expect({ name, own: isNamespaceQueue(name, 's8e') }).toEqual({ name, own: true });
    }
    for (const name of [
      's8edcatalog.orders.v2', // namespace s8ed
      's8ecatalog.orders.v2.extra',
      's8ecatalog.unknown.v2',
      's8ebench.saga.x.orders',
      'catalog.orders.v2', // the empty namespace
    ]) {
      expect({ name, own: isNamespaceQueue(name, 's8e') }).toEqual({ name, own: false });
    }
    expect(isNamespaceQueue('s8ecatalog.orders.v2', 's8')).toBe(false);
  });

  it('when a namespace is deleted, then its queues and exchanges are gone and a namespace it prefixes keeps its own', async () => {
    const namespace = `bench-test-ns-${randomBytes(3).toString('hex')}-`;
    const neighbour = `${namespace}x`;
    const ours = [
      `${namespace}catalog.orders.v2`,
      `${namespace}catalog.orders.dlq`,
      `${namespace}orders.saga.v2.retry.1000ms`,
    ];
    const theirs = `${neighbour}catalog.orders.v2`;
    const connection = await amqp.connect(AMQP);
    try {
      const channel = await connection.createChannel();
      for (const queue of [...ours, theirs]) await channel.assertQueue(queue, { durable: false });
      for (const exchange of [
        ...Object.values(exchangeNames(namespace)),
        exchangeNames(neighbour).events,
      ]) {
        await channel.assertExchange(exchange, 'topic', { durable: false });
      }

      expect(await deleteBrokerNamespace(namespace, AMQP)).toEqual({ queues: 3, exchanges: 3 });

      for (const queue of ours)
        expect({ queue, left: await exists(connection, 'queue', queue) }).toEqual({
          queue,
          left: false,
        });
      for (const exchange of Object.values(exchangeNames(namespace))) {
        expect({ exchange, left: await exists(connection, 'exchange', exchange) }).toEqual({
          exchange,
          left: false,
        });
      }
      expect(await exists(connection, 'queue', theirs)).toBe(true);
      expect(await exists(connection, 'exchange', exchangeNames(neighbour).events)).toBe(true);
    } finally {
      const channel = await connection.createChannel();
      await channel.deleteQueue(theirs);
      await channel.deleteExchange(exchangeNames(neighbour).events);
      await connection.close();
    }
  });

  it('when the empty namespace is asked for, then nothing is deleted', async () => {
    await expect(deleteBrokerNamespace('', AMQP)).rejects.toThrow(/empty namespace/);
  });
});
