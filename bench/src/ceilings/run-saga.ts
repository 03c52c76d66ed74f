import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import pg from 'pg';
import { postgresCounters, startCost, STATS_FLUSH_MS, type Cost } from '../cost.js';
import { postgresBackends } from '../cpu.js';
import { byOnset, percentiles, runLoad, type LoadFigures, type OnsetSplit } from '../load.js';
import { runPaced, type PacedFigures } from '../paced-load.js';
import {
  BENCH_DATABASE,
  BENCH_ITEMS,
  prepareCeilingDatabase,
  prepareSagaSchemas,
} from './setup.js';
import { spawnServer, type RunningServer } from './spawn-server.js';

export interface SagaSettings {
  postgresUrl: string;
  amqpUrl: string;
  connections: number;
  durationSeconds: number;
  /** Fixed arrival rate (orders/s), evenly spaced (an open loop); unset = saturated. */
  rate?: number;
  /** How long to wait for Postgres to report transaction counts (see STATS_FLUSH_MS). */
  statsFlushMs?: number;
  onProgress?: (line: string) => void;
}

export interface SagaFigures {
  /** Accepted orders: at a rate, paced (latency from each order's due time). */
  accepted: LoadFigures | PacedFigures;
  placedOrders: number;
  confirmed: number;
  unfinished: number;
  /** Confirmed orders per second, from the first placed to the last confirmed. */
  confirmedPerSecond: number;
  placedToConfirmed: ReturnType<typeof percentiles>;
  /** The same, of the orders placed in the run's first seconds and of those placed after. */
  byOnset: OnsetSplit;
  cost: Cost;
}

const QUEUES = {
  orders: ['stock.reserved', 'stock.rejected', 'payment.authorized'],
  catalog: ['order.created'],
  payments: ['stock.reserved'],
} as const;

/**
 * The bare saga: the same essential work per order as the system's checkout and saga, in three
 * small processes (`saga-*.server.ts`) with nothing else; quorum queues as the system's. Run
 * warm (a few orders first), loaded, then until every order settled, with what it cost.
 */
export async function runBareSaga(settings: SagaSettings): Promise<SagaFigures> {
  const databaseUrl = await prepareCeilingDatabase(settings.postgresUrl);
  await prepareSagaSchemas(databaseUrl);
  const exchange = `bench.saga.${randomUUID()}`;
  const connection = await amqp.connect(settings.amqpUrl);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  for (const [name, keys] of Object.entries(QUEUES)) {
    const queue = `${exchange}.${name}`;
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const key of keys) await channel.bindQueue(queue, exchange, key);
  }
  const env = {
    BENCH_DATABASE_URL: databaseUrl,
    BENCH_AMQP_URL: settings.amqpUrl,
    BENCH_EXCHANGE: exchange,
  };
  const servers: RunningServer[] = [];
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const catalog = await spawnServer('saga-catalog.server.ts', env);
    servers.push(catalog);
    const payments = await spawnServer('saga-payments.server.ts', env);
    servers.push(payments);
    const orders = await spawnServer('saga-orders.server.ts', {
      ...env,
      BENCH_PRICES_URL: catalog.url,
    });
    servers.push(orders);
    const processes = { orders, catalog, payments };

    const orderBody = () =>
      JSON.stringify({ itemId: 1 + Math.floor(Math.random() * BENCH_ITEMS), quantity: 1 });
    const place = {
      method: 'POST' as const,
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: object) => ({ ...req, body: orderBody() }),
    };
    // Warm: prepared statements, pools and JIT, as the system's services are after their setup.
    await runLoad({
      url: orders.url,
      connections: 2,
      durationSeconds: 1,
      amount: 50,
      requests: [place],
      title: 'bare saga: warm-up',
    });
    await settled(db, Date.now() + 30_000);
    const { rows: mark } = await db.query<{ at: Date }>('select clock_timestamp() as at');

    const stats = async () => {
      const counts: Record<string, number> = {};
      for (const [name, server] of Object.entries(processes)) {
        const answer = (await (await fetch(`${server.url}/stats`)).json()) as Record<
          string,
          number
        >;
        counts['HTTP calls between services'] =
          (counts['HTTP calls between services'] ?? 0) + answer.httpCalls;
        counts['messages published'] = (counts['messages published'] ?? 0) + answer.published;
        counts['messages consumed'] = (counts['messages consumed'] ?? 0) + answer.consumed;
        void name;
      }
      return { ...counts, ...(await postgresCounters(settings.postgresUrl, [BENCH_DATABASE])) };
    };
    const cost = await startCost({
      groups: async () => ({
        orders: [orders.pid],
        catalog: [catalog.pid],
        payments: [payments.pid],
        postgres: await postgresBackends(settings.postgresUrl, [BENCH_DATABASE]),
      }),
      counters: stats,
    });
    const title = settings.rate ? `bare saga: ${settings.rate} orders/s` : 'bare saga: saturated';
    // At a rate: evenly spaced arrivals, latency from each order's due time, as the system's.
    const accepted = settings.rate
      ? await runPaced({
          url: orders.url,
          rate: settings.rate,
          connections: settings.connections,
          durationSeconds: settings.durationSeconds,
          title,
          onProgress: settings.onProgress,
          request: () => ({
            method: 'POST',
            path: place.path,
            headers: place.headers,
            body: orderBody(),
          }),
        })
      : await runLoad({
          url: orders.url,
          connections: settings.connections,
          durationSeconds: settings.durationSeconds,
          requests: [place],
          title,
          onProgress: settings.onProgress,
        });
    await settled(db, Date.now() + 60_000);
    const { rows } = await db.query<{ status: string; created: number; confirmed: number | null }>(
      `select status, extract(epoch from created_at) * 1000 as created,
              extract(epoch from confirmed_at) * 1000 as confirmed
         from saga_orders.orders where created_at > $1`,
      [mark[0].at],
    );
    const confirmedRows = rows.filter((r) => r.status === 'confirmed');
    const measured = cost.finish(confirmedRows.length, async () => {
      await new Promise((resolve) => setTimeout(resolve, settings.statsFlushMs ?? STATS_FLUSH_MS));
      return stats();
    });
    const figures = await measured;
    const timed = confirmedRows.map((r) => ({
      placedAt: Number(r.created),
      ms: Number(r.confirmed) - Number(r.created),
    }));
    const first = Math.min(...rows.map((r) => Number(r.created)));
    const last = Math.max(...confirmedRows.map((r) => Number(r.confirmed)));
    return {
      accepted,
      placedOrders: rows.length,
      confirmed: confirmedRows.length,
      unfinished: rows.length - confirmedRows.length,
      confirmedPerSecond: Math.round(confirmedRows.length / ((last - first) / 1000)),
      placedToConfirmed: percentiles(timed.map((o) => o.ms)),
      byOnset: byOnset(timed),
      cost: figures,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await db.end();
    for (const name of Object.keys(QUEUES)) await channel.deleteQueue(`${exchange}.${name}`);
    await channel.deleteExchange(exchange);
    await connection.close();
  }
}

/** Waits until no order is left unconfirmed (or the deadline passes). */
async function settled(db: pg.Client, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ open: string }>(
      "select count(*) as open from saga_orders.orders where status not in ('confirmed', 'cancelled')",
    );
    if (Number(rows[0].open) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
