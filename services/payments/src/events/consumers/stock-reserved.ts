import type { EventEnvelope } from '@bazaar/contracts';
import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { authorizeOrderPayment } from '../../domain/authorize-payment.js';
import type { OperationHandOff } from '../../domain/provider-operation.js';

const requestOf = ({ data }: EventEnvelope<'stock.reserved'>) => ({
  orderId: data.orderId,
  userId: data.userId,
  total: data.total,
  paymentMethodId: data.paymentMethodId,
});

/**
 * `stock.reserved` (queue `payments.stock`): the order's total is to be authorized, once; the
 * authorization asked for goes to the runner once committed. Alone, that is one statement with
 * its inbox row, without a transaction; an authorization asked before is left to the
 * transaction (where the inbox sees a repeat).
 */
export function onStockReserved(
  runner: OperationHandOff,
): EventHandler<Database, 'stock.reserved'> {
  const take = (event: EventEnvelope<'stock.reserved'>) => () =>
    runner.take({ orderId: event.data.orderId, operation: 'authorize' });
  const handler: EventHandler<Database, 'stock.reserved'> = async (event, trx, { afterCommit }) => {
    if (await authorizeOrderPayment(trx, requestOf(event))) afterCommit(take(event));
  };
  handler.alone = async (event, db, inbox, { afterCommit }) => {
    const asked = await authorizeOrderPayment(db, requestOf(event), inbox);
    if (asked) afterCommit(take(event));
    return asked;
  };
  return handler;
}
