import type { FastifyBaseLogger } from 'fastify';
import { pruneIdempotencyKeys } from '../db/idempotency-repository.js';
import {
  sweepStuckOrders,
  type SweepDeps,
  type SweepOptions,
} from '../domain/sweep-stuck-orders.js';

export interface SweeperOptions extends SweepOptions {
  /** Idempotency keys are kept at least this long. */
  idempotencyKeyTtlMs: number;
}

/**
 * One round of the saga's housekeeping: stuck orders cancelled, expired idempotency keys
 * pruned. `buildApp` runs it as the kit's periodic job `stuck-order sweeper` (one per replica,
 * safe to run on all of them).
 */
export async function sweepOnce(
  deps: SweepDeps & { log: FastifyBaseLogger },
  options: SweeperOptions,
): Promise<void> {
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
