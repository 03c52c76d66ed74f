import autocannon, { type Options, type Request } from 'autocannon';

/** What one load run measured. Latencies in milliseconds. */
export interface LoadFigures {
  requestsPerSecond: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  durationSeconds: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Requests cycled per connection; `setupRequest` can rewrite each one as it goes. */
  requests?: Request[];
  method?: Options['method'];
  body?: string;
  headers?: Record<string, string>;
  /** Cap on requests per second for the whole run (a fixed arrival rate). */
  overallRate?: number;
  /** Stop after this many requests instead of after the duration. */
  amount?: number;
  title: string;
  onProgress?: (line: string) => void;
}

/** Runs autocannon against one URL and reduces its result to the figures the report keeps. */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<autocannon.Result>(
    (resolve, reject) => ((finish = resolve), (fail = reject)),
  );
  // autocannon treats a key given as undefined as set: pass only what the caller chose.
  const chosen = Object.fromEntries(
    Object.entries({
      amount: options.amount,
      requests: options.requests,
      method: options.method,
      body: options.body,
      headers: options.headers,
      overallRate: options.overallRate,
    }).filter(([, value]) => value !== undefined),
  );
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.durationSeconds,
      title: options.title,
      ...chosen,
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  let seconds = 0;
  let lastCount = 0;
  let count = 0;
  instance.on('response', () => {
    count += 1;
  });
  const ticker = setInterval(() => {
    seconds += 1;
    options.onProgress?.(`${options.title}: ${seconds}s, ${count - lastCount} req/s`);
    lastCount = count;
  }, 1000);
  try {
    const result = await done;
    return {
      requestsPerSecond: Math.round(result.requests.average),
      latency: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      durationSeconds: result.duration,
    };
  } finally {
    clearInterval(ticker);
  }
}

/** Percentiles of a list of numbers (nearest rank). */
export function percentiles(values: number[]): {
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  if (values.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] };
}

/** A p50 and a p99 (ms). */
export type Latency = { p50: number; p99: number };

/** A confirmed order of a run: when it was placed (epoch ms) and how long it took (ms). */
export interface TimedOrder {
  placedAt: number;
  ms: number;
}

/**
 * The first seconds of a paced run: the load steps from the warm-up's trickle to the rate, and
 * both sides' queues and batches grow to it. Shown apart, not left out: the #21 target is the
 * whole run's p99.
 */
export const ONSET_MS = 2000;

/** Placed -> confirmed of a run's orders placed in its onset, and of those placed after. */
export type OnsetSplit = { onset: Latency; after: Latency };

/**
 * Placed -> confirmed of the orders placed in the run's first {@link ONSET_MS} (counted from
 * its first order) and of those placed after: where in a segment its p99 comes from.
 */
export function byOnset(orders: readonly TimedOrder[], onsetMs = ONSET_MS): OnsetSplit {
  const first = Math.min(...orders.map((o) => o.placedAt));
  const of = (keep: (o: TimedOrder) => boolean): Latency => {
    const { p50, p99 } = percentiles(orders.filter(keep).map((o) => o.ms));
    return { p50, p99 };
  };
  return {
    onset: of((o) => o.placedAt - first < onsetMs),
    after: of((o) => o.placedAt - first >= onsetMs),
  };
}
