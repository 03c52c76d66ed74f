// What an order costs, read around a run: CPU per process (from /proc), SQL statements and
// transactions per database (pg_stat_statements, pg_stat_database), and counters the parts
// keep (HTTP calls between services, messages published and consumed, spans exported).
import pg from 'pg';
import { cpuBetween, ownCpu, readCpu, rabbitPids, type CpuReading, type Groups } from './cpu.js';

export interface CostSources {
  /** The processes to read, by group (re-read at the end: pools open backends as they go). */
  groups(): Promise<Groups>;
  /** Monotonic counters (requests, messages, spans, statements...), by name. */
  counters(): Promise<Record<string, number>>;
}

export interface Cost {
  /** CPU per group over the run, ms (rabbitmq less its idle rate measured just before). */
  cpuMs: Record<string, number>;
  /** Per confirmed order: CPU per group (ms), its total, and each counter's increase. */
  perOrder: { cpuMs: Record<string, number>; totalCpuMs: number; counts: Record<string, number> };
  orders: number;
  /** RabbitMQ's CPU rate before the run (ms per s), taken as other users' and subtracted. */
  rabbitIdleMsPerSecond: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Starts measuring; `finish(orders)` reads again and divides by the orders confirmed. */
export async function startCost(sources: CostSources): Promise<{
  finish(orders: number, counters?: () => Promise<Record<string, number>>): Promise<Cost>;
}> {
  // The broker is shared: its CPU rate over a second before the run is someone else's.
  const rabbit = rabbitPids();
  const idleBefore = readCpu({ rabbitmq: rabbit });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idle = cpuBetween(idleBefore, readCpu({ rabbitmq: rabbit })).rabbitmq ?? 0;

  const groups = await sources.groups();
  const before: CpuReading = readCpu({ ...groups, rabbitmq: rabbit });
  const countersBefore = await sources.counters();
  const loadBefore = ownCpu();
  const started = Date.now();
  return {
    async finish(orders, counters = sources.counters) {
      const seconds = (Date.now() - started) / 1000;
      const later = await sources.groups();
      const merged = Object.fromEntries(
        Object.entries({ ...groups, rabbitmq: rabbit }).map(([name, pids]) => [
          name,
          [...new Set([...pids, ...(later[name] ?? [])])],
        ]),
      );
      const cpuMs = cpuBetween(before, readCpu(merged));
      cpuMs.rabbitmq = Math.max(0, (cpuMs.rabbitmq ?? 0) - idle * seconds);
      cpuMs['load generator'] = ownCpu() - loadBefore;
      const countersAfter = await counters();
      const per = (n: number) => (orders > 0 ? n / orders : NaN);
      const perOrderCpu = Object.fromEntries(
        Object.entries(cpuMs).map(([name, ms]) => [name, round(per(ms))]),
      );
      const { 'load generator': _load, ...parts } = perOrderCpu;
      return {
        cpuMs: Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, round(v, 0)])),
        perOrder: {
          cpuMs: perOrderCpu,
          totalCpuMs: round(Object.values(parts).reduce((a, b) => a + b, 0)),
          counts: Object.fromEntries(
            Object.entries(countersAfter).map(([name, n]) => [
              name,
              round(per(n - (countersBefore[name] ?? 0)), 1),
            ]),
          ),
        },
        orders,
        rabbitIdleMsPerSecond: round(idle),
      };
    },
  };
}

/**
 * SQL statements (pg_stat_statements, when the server loads it) and transactions
 * (pg_stat_database) per database. Statement counts are `null` without pg_stat_statements:
 * it needs `shared_preload_libraries = 'pg_stat_statements'` and a server restart.
 */
export async function postgresCounters(
  serverUrl: string,
  databases: string[],
): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const counters: Record<string, number> = {};
    const xacts = await client.query<{ datname: string; n: string }>(
      'select datname, xact_commit + xact_rollback as n from pg_stat_database where datname = any($1)',
      [databases],
    );
    for (const row of xacts.rows) counters[`transactions ${short(row.datname)}`] = Number(row.n);
    if (await statementsAvailable(client)) {
      const calls = await client.query<{ datname: string; n: string }>(
        `select d.datname, sum(s.calls) as n from pg_stat_statements s
           join pg_database d on d.oid = s.dbid where d.datname = any($1) group by d.datname`,
        [databases],
      );
      for (const db of databases) counters[`statements ${short(db)}`] = 0;
      for (const row of calls.rows) counters[`statements ${short(row.datname)}`] = Number(row.n);
    }
    return counters;
  } finally {
    await client.end();
  }
}

const short = (database: string) => database.replace(/^bazaar_/, '');

async function statementsAvailable(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ loaded: boolean }>(
    "select current_setting('shared_preload_libraries') like '%pg_stat_statements%' as loaded",
  );
  if (!rows[0]?.loaded) return false;
  await client.query('create extension if not exists pg_stat_statements');
  return true;
}

/**
 * `VACUUM (ANALYZE)` of these databases: run between measured segments, so the dead rows one
 * segment (or the scenario before it) left are not cleaned up by autovacuum during the next,
 * whose Postgres CPU would count them.
 */
export async function vacuumDatabases(serverUrl: string, databases: string[]): Promise<void> {
  for (const database of databases) {
    const client = new pg.Client({ connectionString: `${serverUrl}/${database}` });
    await client.connect();
    try {
      await client.query('vacuum (analyze)');
    } finally {
      await client.end();
    }
  }
}

/** Whether pg_stat_statements is loaded on this server (statement counts need it). */
export async function statementsLoaded(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ loaded: boolean }>(
      "select current_setting('shared_preload_libraries') like '%pg_stat_statements%' as loaded",
    );
    return Boolean(rows[0]?.loaded);
  } finally {
    await client.end();
  }
}

/**
 * Backends report their transaction counts to pg_stat_database when idle for a while (10 s in
 * Postgres 15): wait that long after a run before reading them.
 */
export const STATS_FLUSH_MS = 11_000;

/** Sums a Prometheus text exposition's samples of `metric` (optionally filtered by a label test). */
export function sumMetric(
  text: string,
  metric: string,
  keep: (labels: string) => boolean = () => true,
): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== metric) continue;
    if (!keep(match[2] ?? '')) continue;
    total += Number(match[3]);
  }
  return total;
}
