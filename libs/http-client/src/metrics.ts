import { Counter, Gauge, type Metric, type Registry } from 'prom-client';

/** A breaker's state as the `http_client_breaker_state` gauge reports it. */
export const BREAKER_STATE = { closed: 0, half_open: 1, open: 2 } as const;

export interface BreakerView {
  upstream: string;
  state(): number;
}

/**
 * What every client of this process did, kept here and read by {@link registerClientMetrics} at
 * scrape time: clients are made before the app and its registry (and in CLIs without one), so
 * they count into the process and the registry reads the process. One service per process, so
 * the service's registry reports exactly its own clients.
 */
const breakers = new Set<BreakerView>();
const counts = {
  opened: new Map<string, number>(),
  rejected: new Map<string, number>(),
  failures: new Map<string, number>(),
  retries: new Map<string, number>(),
};

// Keys of the maps: the label values joined by a character no upstream name or reason holds.
const SEPARATOR = '\u0000';

function count(kind: keyof typeof counts, ...labels: string[]): void {
  const key = labels.join(SEPARATOR);
  counts[kind].set(key, (counts[kind].get(key) ?? 0) + 1);
}

/** Called by the clients (breaker.ts, exchange.ts); not part of the package's exports. */
export const clientEvents = {
  breakerCreated(view: BreakerView): void {
    breakers.add(view);
  },
  breakerShutdown(view: BreakerView): void {
    breakers.delete(view);
  },
  opened: (upstream: string) => count('opened', upstream),
  rejected: (upstream: string) => count('rejected', upstream),
  failed: (upstream: string, reason: string) => count('failures', upstream, reason),
  retried: (upstream: string, reason: string) => count('retries', upstream, reason),
};

// prom-client refuses a second metric of the same name in one registry: keep the first.
function once(registry: Registry, name: string, create: () => Metric): void {
  if (!registry.getSingleMetric(name)) create();
}

function counterOf(
  registry: Registry,
  name: string,
  help: string,
  kind: keyof typeof counts,
  labelNames: string[],
): void {
  once(
    registry,
    name,
    () =>
      new Counter({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const [key, value] of counts[kind]) {
            const values = key.split(SEPARATOR);
            this.inc(Object.fromEntries(labelNames.map((label, i) => [label, values[i]])), value);
          }
        },
      }),
  );
}

/**
 * The service clients' series in a service's registry: each upstream's breaker state, how often
 * it opened, the calls it refused while open, the failures it counted (by reason: `timeout`,
 * `unreachable`, `server_error`) and the retries of idempotent requests (by the reason of the
 * attempt that failed). Labelled by `upstream`, the client's `name`.
 */
export function registerClientMetrics(registry: Registry): void {
  once(
    registry,
    'http_client_breaker_state',
    () =>
      new Gauge({
        name: 'http_client_breaker_state',
        help: "State of the circuit breaker of each upstream: 0 closed, 1 half-open, 2 open (the worst of the upstream's clients)",
        labelNames: ['upstream'],
        registers: [registry],
        collect() {
          this.reset();
          const worst = new Map<string, number>();
          for (const breaker of breakers) {
            worst.set(
              breaker.upstream,
              Math.max(worst.get(breaker.upstream) ?? 0, breaker.state()),
            );
          }
          for (const [upstream, state] of worst) this.set({ upstream }, state);
        },
      }),
  );
  counterOf(
    registry,
    'http_client_breaker_opened_total',
    'Times a circuit breaker opened, by upstream',
    'opened',
    ['upstream'],
  );
  counterOf(
    registry,
    'http_client_breaker_rejected_total',
    'Calls an open circuit breaker refused without trying the upstream, by upstream',
    'rejected',
    ['upstream'],
  );
  counterOf(
    registry,
    'http_client_breaker_failures_total',
    'Calls the circuit breaker counted as failed (after their retries), by upstream and reason: timeout, unreachable, server_error',
    'failures',
    ['upstream', 'reason'],
  );
  counterOf(
    registry,
    'http_client_retries_total',
    'Idempotent requests sent again after a failed attempt, by upstream and the reason the attempt failed',
    'retries',
    ['upstream', 'reason'],
  );
}
