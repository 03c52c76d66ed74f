// CPU time per process from /proc, read around a run: how much of the machine each part of an
// order costs. Linux only; elsewhere every figure is NaN.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import pg from 'pg';

/**
 * Time on CPU of each thread of one process so far, in ms, by thread id (the main thread's is
 * the pid); empty once the process is gone. Read from the first field of each thread's
 * `/proc/<pid>/task/<tid>/schedstat`: its run time in ns, user and system together. That is the
 * time `/proc/<pid>/stat` sums over the threads as utime + stime, but in clock ticks of 10 ms,
 * which round a Postgres backend's few ms in a short run down to 0. `/proc/<pid>/schedstat` alone
 * is the main thread's (Node's GC and libuv threads, beam's schedulers would be missed). Unlike
 * `stat`, a thread's time goes with it when it ends: none of the processes read here ends
 * threads while it runs. (Needs a kernel with CONFIG_SCHED_INFO, as distributions build them.)
 */
export function threadCpu(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const ns = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0];
      threads.set(Number(tid), Number(ns) / 1e6);
    } catch {
      // The thread ended after the listing: its time is lost, as above.
    }
  }
  return threads;
}

/** Time on CPU of one process so far (all its threads), in ms; undefined when it is gone. */
export function processCpu(pid: number): number | undefined {
  const threads = threadCpu(pid);
  return threads.size === 0 ? undefined : [...threads.values()].reduce((a, b) => a + b, 0);
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Whether a process runs Node, by its executable: from Node 24 on, the main thread's name (what
 * `/proc/<pid>/comm` shows) is `MainThread`, not `node`.
 */
function isNode(pid: number): boolean {
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`)) === 'node';
  } catch {
    return false;
  }
}

function cwd(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/** The processes of each service of the system under `root` (found by their working directory). */
export function servicePids(root: string, services: readonly string[]): Record<string, number[]> {
  const groups: Record<string, number[]> = Object.fromEntries(services.map((s) => [s, []]));
  for (const pid of allPids()) {
    if (!isNode(pid)) continue;
    const dir = cwd(pid);
    for (const service of services) {
      if (dir === `${root}/services/${service}`) groups[service].push(pid);
    }
  }
  return groups;
}

/** RabbitMQ's Erlang VM (shared with whatever else uses the broker). */
export const rabbitPids = (): number[] => allPids().filter((pid) => comm(pid) === 'beam.smp');

/** The Postgres backends serving these databases now. */
export async function postgresBackends(serverUrl: string, databases: string[]): Promise<number[]> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = any($1)',
      [databases],
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

export type Groups = Record<string, number[]>;
/** Per group, the CPU (ms) of each thread of its processes, by thread id. */
export type CpuReading = Record<string, Map<number, number>>;

/** CPU (ms) of every thread of every process of every group now. */
export function readCpu(groups: Groups): CpuReading {
  return Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [
      name,
      new Map(pids.flatMap((pid) => [...threadCpu(pid)])),
    ]),
  );
}

/**
 * CPU spent per group between two readings, in ms. A thread that appeared in between (of a
 * Postgres backend a pool opened during the run) counts whole; one that went away is lost.
 */
export function cpuBetween(before: CpuReading, after: CpuReading): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, threads]) => {
      let total = 0;
      for (const [tid, ms] of threads) total += ms - (before[name]?.get(tid) ?? 0);
      return [name, total];
    }),
  );
}

/** This process's own CPU (the load generator), in ms. */
export const ownCpu = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** CPU per request of each group over a load run (µs), beside the run's own figures. */
export interface CpuPerRequest {
  /** µs of CPU per request, by group, and their `total`. */
  cpuUsPerRequest: Record<string, number>;
}

/**
 * Runs `work` (a load run) and reads the CPU its processes spent per request: a figure that,
 * unlike requests per second, holds when other work shares the machine. `groups` is read before
 * and after (a pool may open backends during the run).
 */
export async function withCpuPerRequest<T extends { requests: number }>(
  groups: () => Promise<Groups>,
  work: () => Promise<T>,
): Promise<T & CpuPerRequest> {
  const first = await groups();
  const before = readCpu(first);
  const figures = await work();
  const later = await groups();
  const merged = Object.fromEntries(
    Object.entries(first).map(([name, pids]) => [
      name,
      [...new Set([...pids, ...(later[name] ?? [])])],
    ]),
  );
  const spent = cpuBetween(before, readCpu(merged));
  const per = (ms: number) =>
    figures.requests > 0 ? Math.round((ms * 1000) / figures.requests) : NaN;
  const cpuUsPerRequest = Object.fromEntries(
    Object.entries(spent).map(([name, ms]) => [name, per(ms)]),
  );
  cpuUsPerRequest.total = per(Object.values(spent).reduce((a, b) => a + b, 0));
  return { ...figures, cpuUsPerRequest };
}
