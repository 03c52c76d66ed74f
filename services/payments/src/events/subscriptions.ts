import { orderIdOf } from '@bazaar/contracts';
import type { Messaging } from '@bazaar/messaging';
import type { Database } from '../db/database.js';
import type { PaymentsContext } from '../domain/context.js';
import type { OperationHandOff } from '../domain/provider-operation.js';
import { onOrderCancelled } from './consumers/order-cancelled.js';
import { onOrderShipped } from './consumers/order-shipped.js';
import { onStockReserved } from './consumers/stock-reserved.js';

/** The queue payments takes `stock.reserved` from (`<namespace>payments.stock`). */
export const STOCK_QUEUE = 'payments.stock';

/** The queue payments takes order events from (`<namespace>payments.orders`). */
export const ORDERS_QUEUE = 'payments.orders';

/**
 * Every event payments consumes, in one place. Each queue is durable and payments' own; each
 * handler runs in a transaction with the inbox row, so a redelivered message has its effect once;
 * a provider operation it asks for is handed to `runner` once committed.
 * Each queue and its types are also declared in `SUBSCRIPTIONS` of `@bazaar/contracts` (every
 * service declares them before publishing): a new handler's type goes there too.
 */
export function subscribe(
  messaging: Messaging<Database>,
  ctx: PaymentsContext,
  runner: OperationHandOff,
): void {
  messaging.subscribe(
    STOCK_QUEUE,
    { 'stock.reserved': onStockReserved(runner) },
    // Each order's deliveries in delivery order; different orders' are asked together.
    { laneKey: orderIdOf },
  );
  messaging.subscribe(ORDERS_QUEUE, {
    'order.cancelled': onOrderCancelled(ctx, runner),
    'order.shipped': onOrderShipped(ctx, runner),
  });
}
