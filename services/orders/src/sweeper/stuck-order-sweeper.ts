import type { FastifyBaseLogger } from 'fastify';
import { pruneIdempotencyKeys } from '../db/idempotency-repository.js';
import {
  sweepStuckOrders,
  type SweepDeps,
  type SweepOptions,
} from '../domain/sweep-stuck-orders.js';

export interface SweeperOptions extends SweepOptions {
  /** Pause between two rounds. */
  intervalMs: number;
  /** Idempotency keys are kept at least this long. */
  idempotencyKeyTtlMs: number;
}

export interface Sweeper {
  /** One round now: stuck orders cancelled, expired idempotency keys pruned. */
  runOnce(): Promise<void>;
  start(): void;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

/** The periodic housekeeping of the saga: one per replica, safe to run on all of them. */
export function createSweeper(
  deps: SweepDeps & { log: FastifyBaseLogger },
  options: SweeperOptions,
): Sweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  async function round(): Promise<void> {
    const cancelled = await sweepStuckOrders(deps, options);
    if (cancelled.length > 0) {
      deps.log.warn(
        { orderIds: cancelled, count: cancelled.length },
        'stuck orders cancelled (timeout)',
      );
    }
    const pruned = await pruneIdempotencyKeys(
      deps.db,
      new Date(deps.now().getTime() - options.idempotencyKeyTtlMs),
    );
    if (pruned > 0) deps.log.info({ count: pruned }, 'expired idempotency keys pruned');
  }

  function runOnce(): Promise<void> {
    running ??= round()
      .catch((error: unknown) => deps.log.error({ err: error }, 'sweeper round failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void runOnce().then(schedule), options.intervalMs);
    timer.unref();
  }

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
