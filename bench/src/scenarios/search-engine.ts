import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentiles } from '../load.js';
import type { Storefront } from '../storefront.js';
import { ROOT } from '../system.js';
import { typo } from './search.js';

// What the search scenario's load runs cannot show: the search handler's own time (from its
// `search_request_seconds` and `search_query_seconds` histograms), typo quality over a fixed query set, how soon a change is
// searchable in every running replica, and what a replica restart over the catalog costs.

/** A scrape of one histogram: cumulative count per upper bound (`+Inf` included). */
export type Buckets = Map<number, number>;

/** The cumulative buckets of `name` in a Prometheus text exposition. */
export function histogramOf(text: string, name: string): Buckets {
  const buckets: Buckets = new Map();
  const line = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm');
  for (const [, le, value] of text.matchAll(line)) {
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(value));
  }
  return buckets;
}

/** A quantile read off a histogram: its value, and the bucket it lies in (seconds). */
export interface Quantile {
  /**
   * Interpolated linearly inside the bucket (as Prometheus's `histogram_quantile`): exact at
   * the bucket's bounds, an estimate between them. In the `+Inf` bucket, the highest finite
   * bound (the quantile is above it: `upper` says so).
   */
  value: number;
  lower: number;
  upper: number;
}

/**
 * The quantile `q` of what was observed between two scrapes, null when nothing was observed.
 * Read with its bucket, so a report can say how far the histogram lets it be known.
 */
export function quantileBetween(before: Buckets, after: Buckets, q: number): Quantile | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counted = (bound: number) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const total = counted(Infinity);
  if (!(total > 0)) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const upper of bounds) {
    const upTo = counted(upper);
    if (upTo >= rank) {
      if (upper === Infinity) return { value: lower, lower, upper };
      const inBucket = upTo - below;
      const value = inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
      return { value, lower, upper };
    }
    lower = upper;
    below = upTo;
  }
  return { value: lower, lower, upper: Infinity };
}

/** Scrapes one histogram from each search replica and adds them up. */
export async function scrapeHistogram(replicas: string[], name: string): Promise<Buckets> {
  const sum: Buckets = new Map();
  for (const url of replicas) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const [bound, count] of histogramOf(text, name))
      sum.set(bound, (sum.get(bound) ?? 0) + count);
  }
  return sum;
}

export interface TypoFigures {
  cases: number;
  top3: number;
  percent: number;
}

/**
 * One typo (two letters swapped) in the longest word of each name, the other words as typed:
 * the share of names whose product comes back in the top 3. The names are the scenario's fixed
 * sample of the deterministic seed catalog, so the set is the same on every run.
 */
export async function typoQuality(storefront: Storefront, names: string[]): Promise<TypoFigures> {
  let cases = 0;
  let top3 = 0;
  for (const name of names) {
    const words = name.split(' ');
    const longest = words.reduce(
      (a, b) => (/^\p{L}+$/u.test(b) && b.length > a.length ? b : a),
      '',
    );
    if (longest.length < 5) continue;
    cases += 1;
    const q = words.map((w) => (w === longest ? typo(w.toLowerCase()) : w)).join(' ');
    const page = await storefront.search({ q, limit: 3 });
    if (page.items.some((item) => item.name === name)) top3 += 1;
  }
  return { cases, top3, percent: cases ? (100 * top3) / cases : NaN };
}

export interface FreshnessFigures {
  /**
   * Milliseconds from the storefront's answer to the change visible in every replica (the
   * slowest replica of each round).
   */
  created: ReturnType<typeof percentiles>;
  changed: ReturnType<typeof percentiles>;
  deleted: ReturnType<typeof percentiles>;
  /** The same, replica by replica (each one polled on its own, all at once). */
  perReplica: {
    url: string;
    created: ReturnType<typeof percentiles>;
    changed: ReturnType<typeof percentiles>;
    deleted: ReturnType<typeof percentiles>;
  }[];
  rounds: number;
  replicas: number;
}

async function admin(
  storefront: Storefront,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${storefront.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : ((await response.json()) as { id: string });
}

/** Waits until one replica finds `word` (or, `gone`, no longer finds it); milliseconds. */
async function visibleIn(url: string, word: string, gone: boolean, started: number) {
  const deadline = started + 30_000;
  for (;;) {
    const page = (await (await fetch(`${url}/v1/search?q=${word}&limit=1`)).json()) as {
      total: number;
    };
    if (page.total > 0 !== gone) return Date.now() - started;
    if (Date.now() > deadline)
      throw new Error(`${url}: "${word}" not ${gone ? 'gone' : 'found'} in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** {@link visibleIn} for every replica at once: each replica's milliseconds. */
function visible(replicas: string[], word: string, gone: boolean, started: number) {
  return Promise.all(replicas.map((url) => visibleIn(url, word, gone, started)));
}

/**
 * Creates a product with a word of its own, renames it to another, deletes it, through the
 * storefront's admin API (catalog, its outbox, RabbitMQ, search's consumer, the change log, each
 * replica's follower), timing each until search shows it, in each replica and in all of them.
 */
export async function freshness(
  storefront: Storefront,
  settings: { adminToken: string; replicas: string[]; rounds: number },
): Promise<FreshnessFigures> {
  const kinds = ['created', 'changed', 'deleted'] as const;
  // times[kind][replica][round]
  const times = Object.fromEntries(
    kinds.map((kind) => [kind, settings.replicas.map(() => [] as number[])]),
  ) as Record<(typeof kinds)[number], number[][]>;
  const record = (kind: (typeof kinds)[number], each: number[]) =>
    each.forEach((millis, replica) => times[kind][replica].push(millis));
  const word = () =>
    `fresh${randomUUID()
      .replace(/[^a-f]/g, '')
      .slice(0, 10)}`;
  for (let round = 0; round < settings.rounds; round += 1) {
    const first = word();
    let started = Date.now();
    const created = (await admin(storefront, settings.adminToken, 'POST', '/v1/admin/products', {
      sku: `BENCH-${randomUUID()}`,
      name: `Bench ${first} lamp`,
      description: 'A product made by the freshness bench.',
      brand: 'Benchmark',
      price: { amount: 1999, currency: 'EUR' },
      stock: 1,
    }))!;
    record('created', await visible(settings.replicas, first, false, started));
    const second = word();
    started = Date.now();
    await admin(storefront, settings.adminToken, 'PATCH', `/v1/admin/products/${created.id}`, {
      name: `Bench ${second} lamp`,
    });
    record('changed', await visible(settings.replicas, second, false, started));
    started = Date.now();
    await admin(storefront, settings.adminToken, 'DELETE', `/v1/admin/products/${created.id}`);
    record('deleted', await visible(settings.replicas, second, true, started));
  }
  // In every replica: the slowest replica of each round.
  const slowest = (kind: (typeof kinds)[number]) =>
    percentiles(
      Array.from({ length: settings.rounds }, (_, round) =>
        Math.max(...times[kind].map((replica) => replica[round])),
      ),
    );
  return {
    created: slowest('created'),
    changed: slowest('changed'),
    deleted: slowest('deleted'),
    perReplica: settings.replicas.map((url, replica) => ({
      url,
      created: percentiles(times.created[replica]),
      changed: percentiles(times.changed[replica]),
      deleted: percentiles(times.deleted[replica]),
    })),
    rounds: settings.rounds,
    replicas: settings.replicas.length,
  };
}

export interface RestartFigures {
  /** Milliseconds from the process start to its readiness answering 200. */
  readyMillis: number;
  /** Its resident memory once ready, in MB. */
  rssMegabytes: number;
  products: number;
  /** Whether it ran the built service (`dist/`) rather than the source through tsx. */
  built: boolean;
}

/** A search replica the bench started, kept running until {@link RunningReplica.stop}. */
export interface RunningReplica {
  url: string;
  /** How its start went: ready time, RSS once ready, products held. */
  figures: RestartFigures;
  stop(): Promise<void>;
}

/**
 * Starts one more search replica over the same database (its own port), as a restart does:
 * how long until it is ready (snapshot read, index built, caught up) and its RSS then. It runs
 * the built service when there is one (else from source through tsx, compile time included),
 * and keeps running (a second replica for the freshness scenario) until stopped.
 */
export async function startReplica(settings: {
  databaseUrl: string;
  port: number;
  /** More environment for the replica (e.g. its broker namespace). */
  env?: Record<string, string>;
}): Promise<RunningReplica> {
  const started = Date.now();
  // Built as `pnpm start` builds it (the bench's system start does), else from source.
  const built = existsSync(join(ROOT, 'services/search/dist/main.js'));
  const child = spawn(
    process.execPath,
    built
      ? ['--enable-source-maps', '--import', '@bazaar/telemetry/register', 'dist/main.js']
      : ['--conditions=@bazaar/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: join(ROOT, 'services/search'),
      stdio: 'ignore',
      env: {
        ...process.env,
        PORT: String(settings.port),
        DATABASE_URL: settings.databaseUrl,
        LOG_LEVEL: 'warn',
        ...settings.env,
      },
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    const url = `http://127.0.0.1:${settings.port}`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the replica exited with ${child.exitCode}`);
      const status = await fetch(`${url}/health/ready`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() - started > 120_000) throw new Error('the replica was not ready in 120 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const readyMillis = Date.now() - started;
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
    const page = (await (await fetch(`${url}/v1/search?q=&limit=1`)).json()) as { total: number };
    return {
      url,
      figures: { readyMillis, rssMegabytes: Math.round(rssKb / 1024), products: page.total, built },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** {@link startReplica}, stopped once ready: a restart's figures alone. */
export async function restartReplica(
  settings: Parameters<typeof startReplica>[0],
): Promise<RestartFigures> {
  const replica = await startReplica(settings);
  await replica.stop();
  return replica.figures;
}
