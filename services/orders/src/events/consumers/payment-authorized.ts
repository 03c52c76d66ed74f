import type { EventEnvelope } from '@bazaar/contracts';
import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import type { OrderHead } from '../../domain/order.js';
import {
  handleSagaEvent,
  handleSagaEventAlone,
  handleSagaEventsTogether,
  type SagaDeps,
} from '../saga-handler.js';

/**
 * payments authorized the total: → `confirmed`, and `order.confirmed` is published. An amount
 * other than the order's total is logged as an error for people to look at; the authorization
 * stands (payments authorizes the total echoed by `stock.reserved`, so this means a bug). Alone,
 * the usual step is one statement (with its event and inbox row) in a transaction of its own; for
 * several orders of a batch, one statement moves them all with their events.
 */
export function onPaymentAuthorized(deps: SagaDeps): EventHandler<Database, 'payment.authorized'> {
  const handler: EventHandler<Database, 'payment.authorized'> = async (event, trx) => {
    const outcome = await handleSagaEvent(trx, event, deps);
    checkAmount(event, outcome.order, deps);
  };
  handler.alone = async (event, db, inbox) => {
    const outcome = await handleSagaEventAlone(db, event, inbox, deps);
    if (!outcome) return false;
    checkAmount(event, outcome.order, deps);
    return true;
  };
  handler.together = async (deliveries, trx) => {
    const { moved, left } = await handleSagaEventsTogether(trx, deliveries, deps);
    for (const { event, order } of moved) checkAmount(event, order, deps);
    return left;
  };
  return handler;
}

function checkAmount(
  event: EventEnvelope<'payment.authorized'>,
  order: OrderHead,
  deps: SagaDeps,
): void {
  const { total } = order;
  const { amount } = event.data;
  if (amount.amount !== total.amount || amount.currency !== total.currency) {
    deps.log.error(
      { orderId: event.data.orderId, authorized: amount, total },
      'payment authorized for an amount other than the order total',
    );
  }
}
