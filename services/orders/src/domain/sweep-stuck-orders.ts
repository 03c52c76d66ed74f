import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { lockStuckOrders } from '../db/orders-repository.js';
import { moveOrder, type TransitionDeps } from './apply-transition.js';
import { decide } from './order-state.js';

export interface SweepDeps extends TransitionDeps {
  db: Kysely<Database>;
}

export interface SweepOptions {
  /** An order still waiting for stock or payment this long after it was placed is stuck. */
  timeoutMs: number;
  /** Orders handled per transaction. */
  batchSize: number;
}

/**
 * Cancels every stuck order (`timeout`) and compensates (`order.cancelled`: catalog releases
 * what it reserved, payments voids what it authorized). Batches of rows are locked with SKIP
 * LOCKED, so several replicas sweep at once without handling an order twice, and an order a
 * saga consumer is moving right now is left for the next round. Returns the ids cancelled.
 */
export async function sweepStuckOrders(deps: SweepDeps, options: SweepOptions): Promise<string[]> {
  const cancelled: string[] = [];
  for (;;) {
    const deadline = new Date(deps.now().getTime() - options.timeoutMs);
    const batch = await deps.db.transaction().execute(async (trx) => {
      const stuck = await lockStuckOrders(trx, deadline, options.batchSize);
      for (const order of stuck) {
        const decision = decide(order.status, 'deadline');
        if (decision.kind === 'transition') {
          await moveOrder(trx, order, decision, deps);
          cancelled.push(order.id);
        }
      }
      return stuck.length;
    });
    if (batch < options.batchSize) return cancelled;
  }
}
