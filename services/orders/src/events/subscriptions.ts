import { orderIdOf } from '@bazaar/contracts';
import type { Messaging } from '@bazaar/messaging';
import type { Database } from '../db/database.js';
import { onPaymentAuthorized } from './consumers/payment-authorized.js';
import { onPaymentCaptureFailed } from './consumers/payment-capture-failed.js';
import { onPaymentFailed } from './consumers/payment-failed.js';
import { onPaymentRefunded } from './consumers/payment-refunded.js';
import { onStockRejected } from './consumers/stock-rejected.js';
import { onStockReserved } from './consumers/stock-reserved.js';
import type { SagaDeps } from './saga-handler.js';

/** The queue carrying the saga's answers from catalog and payments to orders. */
export const SAGA_QUEUE = 'orders.saga';

/**
 * Every subscription of the orders service, in one place.
 * Each queue and its types are also declared in `SUBSCRIPTIONS` of `@bazaar/contracts`
 * (every service declares them before publishing): a new handler's type goes there too.
 */
export function subscribe(messaging: Messaging<Database>, deps: SagaDeps): void {
  messaging.subscribe(
    SAGA_QUEUE,
    {
      'stock.reserved': onStockReserved(deps),
      'stock.rejected': onStockRejected(deps),
      'payment.authorized': onPaymentAuthorized(deps),
      'payment.failed': onPaymentFailed(deps),
      'payment.refunded': onPaymentRefunded(deps),
      'payment.capture_failed': onPaymentCaptureFailed(deps),
    },
    // Each order's events in delivery order; different orders' may be applied together.
    { laneKey: orderIdOf },
  );
}
