import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, type SagaDeps } from '../saga-handler.js';

/** payments authorized the total: → `confirmed`, and `order.confirmed` is published. */
export function onPaymentAuthorized(deps: SagaDeps): EventHandler<Database, 'payment.authorized'> {
  return (event, trx) => handleSagaEvent(trx, event, deps);
}
