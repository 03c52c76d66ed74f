import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { NotificationListener } from '@bazaar/messaging';
import { ORDER_STATUS_CHANNEL } from '../db/status-notifications.js';

/**
 * Wakes live order streams when an order's status changes on ANY replica: one dedicated
 * connection per process LISTENs on the channel every transition NOTIFYs (at commit). A
 * notification is only a wake-up call: streams read what changed from the database, so a
 * notification lost while reconnecting costs latency (the streams' periodic check catches up),
 * never an event.
 */
export interface OrderStatusHub {
  /** Calls `wake` whenever `orderId` may have changed; returns the unsubscribe function. */
  subscribe(orderId: string, wake: () => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createOrderStatusHub(options: {
  databaseUrl: string;
  log: FastifyBaseLogger;
}): OrderStatusHub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let listener: NotificationListener | undefined;

  function wakeEveryone(): void {
    for (const name of emitter.eventNames()) emitter.emit(name);
  }

  return {
    subscribe(orderId, wake) {
      emitter.on(orderId, wake);
      return () => emitter.off(orderId, wake);
    },
    async start() {
      if (listener) return;
      listener = new NotificationListener({
        url: options.databaseUrl,
        channel: ORDER_STATUS_CHANNEL,
        applicationName: 'orders-status-listener',
        name: 'order status listener',
        logger: options.log,
        onNotify: (orderId) => {
          if (orderId) emitter.emit(orderId);
        },
        // Changes made while no one listened: let every open stream look.
        onListening: wakeEveryone,
      });
      await listener.start();
    },
    async stop() {
      const current = listener;
      listener = undefined;
      await current?.stop();
    },
  };
}
