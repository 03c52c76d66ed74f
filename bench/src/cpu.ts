// CPU time per process from /proc, read around a run: how much of the machine each part of an
// order costs. Linux only; elsewhere every figure is NaN.
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import pg from 'pg';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User and system CPU of one process so far, in ms; undefined when it is gone. */
export function processCpu(pid: number): { user: number; system: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const perTick = 1000 / clockTicks();
    return { user: Number(fields[11]) * perTick, system: Number(fields[12]) * perTick };
  } catch {
    return undefined;
  }
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
export type CpuReading = Record<string, Map<number, number>>;

/** Total CPU (user + system, ms) of every process of every group now. */
export function readCpu(groups: Groups): CpuReading {
  return Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [
      name,
      new Map(
        pids.flatMap((pid) => {
          const cpu = processCpu(pid);
          return cpu ? [[pid, cpu.user + cpu.system] as const] : [];
        }),
      ),
    ]),
  );
}

/**
 * CPU spent per group between two readings, in ms. A process that appeared in between (a
 * Postgres backend a pool opened during the run) counts whole; one that went away is lost.
 */
export function cpuBetween(before: CpuReading, after: CpuReading): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, pids]) => {
      let total = 0;
      for (const [pid, ms] of pids) total += ms - (before[name]?.get(pid) ?? 0);
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
