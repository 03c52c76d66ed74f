import type { FastifyBaseLogger } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listStatusChanges } from '../db/orders-repository.js';
import type { StatusChange } from '../domain/order.js';
import { isFinal } from '../domain/order-state.js';
import type { OrderStatusHub } from './order-status-hub.js';

export interface StreamDeps {
  db: Kysely<Database>;
  hub: OrderStatusHub;
  log: FastifyBaseLogger;
  heartbeatMs: number;
  /** A stream with no status change for this long ends (a confirmed order waiting to ship). */
  idleMs: number;
  /** The `retry:` hint sent before an idle stream ends: when the client should reconnect. */
  idleReconnectMs: number;
}

export interface OpenStreams {
  /** Ends every open stream (on shutdown, so the server can close). */
  closeAll(): void;
  readonly size: number;
}

/** The SSE `status` event: `id` is the history position, usable as `Last-Event-ID`. */
function formatChange(orderId: string, change: StatusChange): string {
  const data = {
    orderId,
    status: change.status,
    reason: change.reason,
    at: change.at.toISOString(),
  };
  return `id: ${change.seq}\nevent: status\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams an order's status changes as server-sent events on an already authorized request.
 *
 * - First the current status (or, with `Last-Event-ID`, every change after that one), then
 *   each change as it is committed, on whichever replica made it (LISTEN/NOTIFY wake-up, then
 *   read from the database, so nothing is skipped or sent twice).
 * - A heartbeat comment every `heartbeatMs` keeps proxies from closing an idle stream. It costs
 *   no query: the hub wakes every stream when its listening connection comes back, which is the
 *   one way a notification can be missed.
 * - The stream ends after a final status (`cancelled`, `shipped`): nothing more will happen.
 * - It also ends after `idleMs` without a change, with a `retry:` hint of `idleReconnectMs`: an
 *   order may wait days to ship, and an open stream holds a connection at every hop (an
 *   EventSource reconnects by itself, with `Last-Event-ID`).
 */
export function createOrderEventStreams(deps: StreamDeps) {
  const open = new Set<() => void>();

  function stream(
    raw: ServerResponse,
    orderId: string,
    options: { lastEventId?: number; current: StatusChange },
  ): void {
    let lastSeq = options.lastEventId ?? 0;
    let ended = false;
    let reading: Promise<void> | undefined;
    let again = false;

    const finish = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(idle);
      unsubscribe();
      open.delete(finish);
      if (!raw.writableEnded) raw.end();
    };

    const send = (changes: StatusChange[]) => {
      for (const change of changes) {
        if (ended || change.seq <= lastSeq) continue;
        raw.write(formatChange(orderId, change));
        lastSeq = change.seq;
        idle.refresh();
        if (isFinal(change.status)) finish();
      }
    };

    const catchUp = (): Promise<void> => {
      if (reading) {
        again = true;
        return reading;
      }
      reading = (async () => {
        do {
          again = false;
          try {
            send(await listStatusChanges(deps.db, orderId, lastSeq));
          } catch (error) {
            deps.log.warn({ err: error, orderId }, 'order stream could not read the history');
          }
        } while (again && !ended);
        reading = undefined;
      })();
      return reading;
    };

    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 3000\n\n');
    const unsubscribe = deps.hub.subscribe(orderId, () => void catchUp());
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), deps.heartbeatMs);
    const idle = setTimeout(() => {
      raw.write(`retry: ${deps.idleReconnectMs}\n\n`);
      finish();
    }, deps.idleMs);
    open.add(finish);
    raw.on('close', finish);

    if (options.lastEventId === undefined) send([options.current]);
    else if (isFinal(options.current.status) && options.current.seq <= lastSeq) finish();
    // Whatever changed between reading the order and subscribing (or since Last-Event-ID).
    void catchUp();
  }

  const streams: OpenStreams = {
    closeAll: () => [...open].forEach((finish) => finish()),
    get size() {
      return open.size;
    },
  };
  return { stream, streams };
}
