import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, type SagaDeps } from '../saga-handler.js';

/**
 * payments gave the order's money back (its own void or refund after `order.cancelled`, or a
 * provider's `charge.voided`/refund webhook): an order not yet shipped is cancelled
 * (`payment_refunded`, `order.cancelled` releases the stock) so it can never ship unpaid; a
 * shipped one keeps its status and the fact is noted in its history and counted.
 */
export function onPaymentRefunded(deps: SagaDeps): EventHandler<Database, 'payment.refunded'> {
  return async (event, trx) => {
    await handleSagaEvent(trx, event, deps);
  };
}
