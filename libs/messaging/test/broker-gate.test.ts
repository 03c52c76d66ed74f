import { afterAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { eventually } from '@bazaar/testing';
import { deleteNamespace, startBrokerGate, testAmqpUrl, testNamespace } from '../src/testing.js';

// The outage drills' gate, over real sockets to the real broker: cutting it is an outage for
// whoever connects through it, and for no one else.
const namespace = testNamespace('broker-gate');
const queue = `${namespace}kept`;

afterAll(() => deleteNamespace({ namespace, queues: [queue] }));

describe('the broker gate', () => {
  it('when the gate is cut, then its connections close, new ones are refused, the broker keeps the queued message, and after restore it is read through the gate', async () => {
    const gate = await startBrokerGate();
    try {
      expect(new URL(gate.url).port).not.toBe(new URL(testAmqpUrl()).port);
      const through = await amqp.connect(gate.url);
      through.on('error', () => undefined);
      const closed = new Promise((resolve) => through.once('close', resolve));
      const channel = await through.createConfirmChannel();
      await channel.assertQueue(queue, { durable: true });
      channel.sendToQueue(queue, Buffer.from('kept'), { persistent: true });
      await channel.waitForConfirms();
      expect(gate.connections).toBe(1);

      gate.cut();

      await closed;
      expect(gate.connections).toBe(0);
      await expect(amqp.connect(gate.url)).rejects.toThrow();
      // The broker itself is up and still has the message.
      const direct = await amqp.connect(testAmqpUrl());
      try {
        const { messageCount } = await (await direct.createChannel()).checkQueue(queue);
        expect(messageCount).toBe(1);
      } finally {
        await direct.close();
      }

      gate.restore();

      const again = await amqp.connect(gate.url);
      try {
        const reading = await again.createChannel();
        const message = await eventually(async () => (await reading.get(queue)) || undefined);
        expect(message.content.toString()).toBe('kept');
        reading.ack(message);
      } finally {
        await again.close();
      }
    } finally {
      await gate.close();
    }
  });
});
