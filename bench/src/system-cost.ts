// Where the system's cost per order is read: its services' processes (by working directory
// under this repository), their Postgres backends, their /metrics (HTTP calls between services,
// messages published and consumed) and the spans the trace sink received.
import { postgresCounters, sumMetric, type CostSources } from './cost.js';
import { postgresBackends, servicePids } from './cpu.js';
import { portOf, type TraceSink } from './system.js';

export const SERVICES = ['storefront', 'orders', 'catalog', 'payments', 'users', 'search'] as const;
const INTERNAL_PORTS = { catalog: 8081, orders: 8082, users: 8083, payments: 8084, search: 8085 };
// The databases `pnpm start` gives the services: `bazaar_<service>`, or under the prefix a second
// copy of the system runs with (`BAZAAR_DATABASE_PREFIX`, as scripts/start.mjs reads it).
const DATABASE_PREFIX = process.env.BAZAAR_DATABASE_PREFIX ?? 'bazaar_';
/** The database of one service of the system `pnpm start` runs. */
export const databaseOf = (service: string) => `${DATABASE_PREFIX}${service}`;
export const DATABASES = ['catalog', 'orders', 'users', 'payments', 'search'].map(databaseOf);

async function metrics(port: number): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } catch {
    return '';
  }
}

/** The cost sources of the system started from `root` (ports as `pnpm start` gives them). */
export function systemCostSources(
  root: string,
  postgresUrl: string,
  sink?: TraceSink,
): CostSources {
  return {
    groups: async () => ({
      ...servicePids(root, SERVICES),
      postgres: await postgresBackends(postgresUrl, DATABASES),
    }),
    counters: async () => {
      const texts = await Promise.all(Object.values(INTERNAL_PORTS).map((p) => metrics(portOf(p))));
      // The storefront's own requests are the shoppers'; every other service's are internal.
      const storefront = await metrics(portOf(8080));
      const sum = (metric: string, from = texts) =>
        from.reduce((total, text) => total + sumMetric(text, metric), 0);
      return {
        'HTTP calls between services': sum('http_server_request_duration_seconds_count'),
        'messages published': sum('messaging_published_total', [...texts, storefront]),
        'messages consumed': sum('messaging_consumed_total', [...texts, storefront]),
        ...(sink ? { 'spans exported': sink.spans() } : {}),
        ...(await postgresCounters(postgresUrl, DATABASES)),
      };
    },
  };
}
