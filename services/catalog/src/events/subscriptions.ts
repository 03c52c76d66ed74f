import { orderIdOf } from '@bazaar/contracts';
import type { Logger, Messaging } from '@bazaar/messaging';
import type { Database } from '../db/database.js';
import { onOrderCancelled } from './consumers/order-cancelled.js';
import { onOrderCreated } from './consumers/order-created.js';

/** The queue catalog consumes order events from (`<namespace>catalog.orders`). */
export const ORDERS_QUEUE = 'catalog.orders';

/**
 * Every subscription of the catalog service, in one place.
 * Each queue and its types are also declared in `SUBSCRIPTIONS` of `@bazaar/contracts`
 * (every service declares them before publishing): a new handler's type goes there too.
 */
export function subscribe(messaging: Messaging<Database>, log: Logger): void {
  messaging.subscribe(
    ORDERS_QUEUE,
    {
      'order.created': onOrderCreated(log),
      'order.cancelled': onOrderCancelled(log),
    },
    // One order's events in delivery order (its cancel after its creation); different orders'
    // may be applied together: a batch's new orders are reserved in one statement per wave.
    { laneKey: orderIdOf },
  );
}
