import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { handleSagaEvent, type SagaDeps } from '../saga-handler.js';

/**
 * payments authorized the total: → `confirmed`, and `order.confirmed` is published. An amount
 * other than the order's total is logged as an error for people to look at; the authorization
 * stands (payments authorizes the total echoed by `stock.reserved`, so this means a bug).
 */
export function onPaymentAuthorized(deps: SagaDeps): EventHandler<Database, 'payment.authorized'> {
  return async (event, trx) => {
    const outcome = await handleSagaEvent(trx, event, deps);
    const { total } = outcome.order;
    const { amount } = event.data;
    if (amount.amount !== total.amount || amount.currency !== total.currency) {
      deps.log.error(
        { orderId: event.data.orderId, authorized: amount, total },
        'payment authorized for an amount other than the order total',
      );
    }
  };
}
