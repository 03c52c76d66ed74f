import type pg from 'pg';
import { Gauge, type Registry } from 'prom-client';

interface ObservedPool {
  name: string;
  pool: pg.Pool;
}

/**
 * The `pg` pools of this process, read by {@link registerPoolMetrics} at scrape time: pools are
 * made before the app and its registry, so they are noted here and the registry reads the
 * process (one service per process). A pool leaves the list once it is ended.
 */
const pools = new Set<ObservedPool>();

function prune(): void {
  for (const observed of pools) if (observed.pool.ending) pools.delete(observed);
}

/**
 * Reports a pool's connections in the `db_pool_*` series under `name` (pools of one name are
 * added up). `createDb` does it for its pools; a service calls it for a `pg.Pool` of its own.
 */
export function observePool(pool: pg.Pool, name: string): void {
  prune();
  pools.add({ name, pool });
}

/** Each live pool's counts, added up by name. */
function byName(read: (pool: pg.Pool) => number): Map<string, number> {
  prune();
  const sums = new Map<string, number>();
  for (const { name, pool } of pools) sums.set(name, (sums.get(name) ?? 0) + read(pool));
  return sums;
}

const SERIES: Array<{ name: string; help: string; read: (pool: pg.Pool) => number }> = [
  {
    name: 'db_pool_connections',
    help: 'Connections a pg pool holds open to Postgres (in use and idle), by pool',
    read: (pool) => pool.totalCount,
  },
  {
    name: 'db_pool_idle_connections',
    help: 'Open connections of a pg pool not running a query, by pool',
    read: (pool) => pool.idleCount,
  },
  {
    name: 'db_pool_waiting_requests',
    help: 'Queries waiting for a connection of a pg pool (all of them in use), by pool',
    read: (pool) => pool.waitingCount,
  },
  {
    name: 'db_pool_max_connections',
    help: 'Most connections a pg pool may open, by pool',
    read: (pool) => pool.options.max ?? 10,
  },
];

/**
 * The connection pools' series in a service's registry: open, idle and most connections and the
 * queries waiting for one, per pool (`pool`: the pool's application name, `catalog`). Waiting
 * requests above 0 for long means the pool is too small for the load (or a query holds
 * connections too long).
 */
export function registerPoolMetrics(registry: Registry): void {
  for (const series of SERIES) {
    if (registry.getSingleMetric(series.name)) continue;
    new Gauge({
      name: series.name,
      help: series.help,
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [pool, value] of byName(series.read)) this.set({ pool }, value);
      },
    });
  }
}
