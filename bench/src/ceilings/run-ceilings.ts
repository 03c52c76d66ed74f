import { randomUUID } from 'node:crypto';
import { postgresBackends, withCpuPerRequest, type CpuPerRequest } from '../cpu.js';
import { runLoad, type LoadFigures } from '../load.js';
import { BENCH_DATABASE, BENCH_ITEMS, prepareCeilingDatabase } from './setup.js';
import { spawnServer } from './spawn-server.js';

export interface CeilingSettings {
  postgresUrl: string;
  amqpUrl: string;
  connections: number;
  durationSeconds: number;
  /**
   * Stop each ceiling after this many requests instead of after the duration: on a machine too
   * busy to answer a cold server's first request within a short duration, a count still measures.
   */
  requests?: number;
  onProgress?: (line: string) => void;
}

export interface Ceilings {
  bareRoute: LoadFigures & CpuPerRequest;
  /** With the CPU per request of the server and of its Postgres backends. */
  pgRoute: LoadFigures & CpuPerRequest;
  /** Absent when it could not run (it needs the broker; the others do not). */
  checkoutPath?: LoadFigures;
  checkoutPathError?: string;
}

const randomItem = () => 1 + Math.floor(Math.random() * BENCH_ITEMS);

/** The three ceilings, each measured with the same connections as the scenarios beside them. */
export async function runCeilings(settings: CeilingSettings): Promise<Ceilings> {
  const databaseUrl = await prepareCeilingDatabase(settings.postgresUrl);
  const load = {
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    amount: settings.requests,
    onProgress: settings.onProgress,
  };

  // The price lookup over HTTP, a transaction and a confirmed publish: it needs the broker.
  const runCheckoutPath = async (databaseUrl: string, pricesUrl: string) => {
    const checkout = await spawnServer('checkout-path.server.ts', {
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_PRICES_URL: pricesUrl,
      BENCH_AMQP_URL: settings.amqpUrl,
      BENCH_EXCHANGE: `bench.${randomUUID()}`,
    });
    return runLoad({
      ...load,
      title: 'ceiling: lookup + tx + confirmed publish',
      url: checkout.url,
      requests: [
        {
          method: 'POST',
          path: '/orders',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ itemId: randomItem(), quantity: 1 }),
          }),
        },
      ],
    }).finally(() => checkout.stop());
  };

  const bare = await spawnServer('bare-route.server.ts');
  const bareRoute = await withCpuPerRequest(
    async () => ({ server: [bare.pid] }),
    () => runLoad({ ...load, title: 'ceiling: bare route', url: `${bare.url}/hello` }),
  ).finally(() => bare.stop());

  const pgServer = await spawnServer('pg-route.server.ts', { BENCH_DATABASE_URL: databaseUrl });
  try {
    const pgRoute = await withCpuPerRequest(
      async () => ({
        server: [pgServer.pid],
        postgres: await postgresBackends(settings.postgresUrl, [BENCH_DATABASE]),
      }),
      () =>
        runLoad({
          ...load,
          title: 'ceiling: fastify + pg key',
          url: pgServer.url,
          requests: [
            { method: 'GET', setupRequest: (req) => ({ ...req, path: `/items/${randomItem()}` }) },
          ],
        }),
    );
    const checkoutPath = await runCheckoutPath(databaseUrl, pgServer.url).catch((error: unknown) =>
      error instanceof Error ? error.message : String(error),
    );
    return typeof checkoutPath === 'string'
      ? { bareRoute, pgRoute, checkoutPathError: checkoutPath }
      : { bareRoute, pgRoute, checkoutPath };
  } finally {
    await pgServer.stop();
  }
}
