import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentiles, type LoadFigures } from './load.js';

/** One request of a paced run. */
export interface PacedRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface PacedCommon {
  url: string;
  /** Requests per second, sent evenly spaced (one every `1000 / rate` ms). */
  rate: number;
  durationSeconds: number;
  /** Most requests in flight (keep-alive connections); more wait for a free one. */
  connections: number;
  title: string;
  onProgress?: (line: string) => void;
}

export type PacedOptions = PacedCommon &
  (
    | {
        /** The path of the `n`th request (0, 1, 2, ...), a GET. */
        path: (n: number) => string;
        request?: never;
        onResponse?: never;
      }
    | {
        /** The `n`th request (0, 1, 2, ...), built when it is due. */
        request: (n: number) => PacedRequest;
        /** Each answer of the `n`th request, with its body (read only when this is given). */
        onResponse?: (n: number, status: number, body: string) => void;
        path?: never;
      }
  );

/** What a paced run measured: the load's figures, and how late the generator itself sent. */
export interface PacedFigures extends LoadFigures {
  /** The rate asked for (requests per second). */
  rate: number;
  /**
   * How late requests left the generator after they were due (ms): its own lag (timers, a busy
   * CPU), not the system's. Latency counts it too; when it is large, the figures say so.
   */
  sendLag: { p50: number; p99: number; max: number };
}

/**
 * An open-loop load at a fixed arrival rate: request `n` is due at `start + n × 1000 / rate` ms
 * and sent then (or as soon as the generator gets the CPU back), whether or not earlier ones
 * were answered; its latency counts from when it was due, so a late generator or a full
 * connection pool shows in the figures rather than hiding (coordinated omission).
 *
 * autocannon's `overallRate` is not that: each connection sends its share of a second back to
 * back when the second starts (at 200 req/s over 50 connections, bursts of 50 requests at once,
 * four times in a row, then nothing), and it corrects for coordinated omission with an expected
 * interval of one millisecond, recording a 40 ms answer as forty answers of 1..40 ms. Both make
 * a fixed-rate p99 measure the burst, not the service at that rate.
 */
export async function runPaced(options: PacedOptions): Promise<PacedFigures> {
  const origin = new URL(options.url).origin;
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 });
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationSeconds);
  const build = options.request ?? ((n: number): PacedRequest => ({ path: options.path(n) }));
  const onResponse = options.onResponse;
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let answered = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const send = (n: number) => {
    const due = started + n * interval;
    const { method = 'GET', path, headers, body } = build(n);
    lags.push(performance.now() - due);
    const request = pool
      .request({ method, path, headers, body })
      .then(async (response) => {
        const text = onResponse
          ? await response.body.text()
          : await response.body.dump({ limit: Infinity }).then(() => '');
        const took = performance.now() - due;
        if (response.statusCode < 200 || response.statusCode >= 300) non2xx += 1;
        else latencies.push(took);
        onResponse?.(n, response.statusCode, text);
      })
      .catch(() => {
        errors += 1;
      })
      .finally(() => {
        answered += 1;
        inFlight.delete(request);
      });
    inFlight.add(request);
  };
  let lastReport = 0;
  let sent = 0;
  try {
    while (sent < total) {
      const now = performance.now();
      // Everything due by now goes out (after a stall, at once: it was due).
      while (sent < total && started + sent * interval <= now) send(sent++);
      const second = Math.floor((now - started) / 1000);
      if (second > lastReport) {
        lastReport = second;
        options.onProgress?.(`${options.title}: ${second}s, ${answered} answered`);
      }
      const wait = started + sent * interval - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const elapsed = (performance.now() - started) / 1000;
  const { p50, p99, max } = percentiles(latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  const p90 = sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]
    : NaN;
  const lag = percentiles(lags);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    rate: options.rate,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    latency: { p50, p90, p99, max },
    requests: answered,
    errors,
    timeouts: 0,
    non2xx,
    durationSeconds: elapsed,
    sendLag: { p50: round(lag.p50), p99: round(lag.p99), max: round(lag.max) },
  };
}
