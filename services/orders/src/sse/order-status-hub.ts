import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
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
  let client: pg.Client | undefined;
  let stopped = true;
  let retryTimer: NodeJS.Timeout | undefined;
  let attempt = 0;

  function wakeEveryone(): void {
    for (const name of emitter.eventNames()) emitter.emit(name);
  }

  function scheduleReconnect(): void {
    if (stopped || retryTimer) return;
    const delay = Math.min(30_000, 500 * 2 ** attempt);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: 'orders-status-listener',
    });
    next.on('notification', (message) => {
      if (message.payload) emitter.emit(message.payload);
    });
    next.on('error', (error) => {
      options.log.warn({ err: error }, 'order status listener lost its connection');
      if (client === next) client = undefined;
      next.end().catch(() => undefined);
      scheduleReconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${ORDER_STATUS_CHANNEL}`);
    } catch (error) {
      options.log.warn({ err: error }, 'order status listener cannot connect; retrying');
      next.end().catch(() => undefined);
      scheduleReconnect();
      return;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    attempt = 0;
    // Changes made while no one listened: let every open stream look.
    wakeEveryone();
  }

  return {
    subscribe(orderId, wake) {
      emitter.on(orderId, wake);
      return () => emitter.off(orderId, wake);
    },
    async start() {
      if (!stopped) return;
      stopped = false;
      await connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
