import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, type SagaDeps } from '../saga-handler.js';

/**
 * payments could not authorize: → `cancelled` (`payment_declined`), and `order.cancelled` is
 * published so catalog releases the reserved stock.
 */
export function onPaymentFailed(deps: SagaDeps): EventHandler<Database, 'payment.failed'> {
  return async (event, trx) => {
    deps.log.info(
      { orderId: event.data.orderId, reason: event.data.reason, paymentId: event.data.paymentId },
      'payment failed',
    );
    await handleSagaEvent(trx, event, deps);
  };
}
