import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, type SagaDeps } from '../saga-handler.js';

/**
 * payments could not capture a shipped order's payment (it had been voided or refunded): the
 * goods left unpaid. The order stays shipped; its history notes `capture_failed` and
 * `orders_unpaid_total{status="shipped"}` counts it (an alert asks people to look).
 */
export function onPaymentCaptureFailed(
  deps: SagaDeps,
): EventHandler<Database, 'payment.capture_failed'> {
  return async (event, trx) => {
    await handleSagaEvent(trx, event, deps);
  };
}
