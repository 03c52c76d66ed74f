import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findOrder } from '../db/orders-repository.js';
import { errors } from '../errors.js';
import { applyTrigger, type TransitionDeps } from './apply-transition.js';
import type { Order } from './order.js';

export interface CommandDeps extends TransitionDeps {
  db: Kysely<Database>;
}

async function run(
  deps: CommandDeps,
  orderId: string,
  command: 'cancel' | 'ship',
  ownerId: string | undefined,
): Promise<Order> {
  const outcome = await deps.db
    .transaction()
    .execute((trx) => applyTrigger(trx, orderId, command, deps, { ownerId }));
  if (outcome.kind === 'not_found') throw errors.ORDERS_NOT_FOUND(`no order ${orderId}`);
  if (outcome.kind === 'refused') {
    throw errors.ORDERS_TRANSITION_REFUSED(outcome.why, { orderStatus: outcome.order.status });
  }
  const order = await findOrder(deps.db, orderId);
  if (!order) throw errors.ORDERS_NOT_FOUND(`no order ${orderId}`);
  return order;
}

/**
 * A shopper cancels their own order while it has not shipped: `cancelled` (`customer_cancelled`)
 * and `order.cancelled` (catalog releases the stock, payments voids or refunds). Cancelling a
 * cancelled order changes nothing and answers the order as it is (whatever its reason).
 */
export function cancelOrder(deps: CommandDeps, orderId: string, userId: string): Promise<Order> {
  return run(deps, orderId, 'cancel', userId);
}

/** An admin marks a confirmed order shipped (`order.shipped`); shipping it again changes nothing. */
export function shipOrder(deps: CommandDeps, orderId: string): Promise<Order> {
  return run(deps, orderId, 'ship', undefined);
}
