import type { EventEnvelope } from '@bazaar/contracts';
import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { authorizeOrderPayment } from '../../domain/authorize-payment.js';

const requestOf = ({ data }: EventEnvelope<'stock.reserved'>) => ({
  orderId: data.orderId,
  userId: data.userId,
  total: data.total,
  paymentMethodId: data.paymentMethodId,
});

/**
 * `stock.reserved` (queue `payments.stock`): the order's total is to be authorized, once. Alone,
 * that is one statement with its inbox row, without a transaction; an authorization asked
 * before is left to the transaction (where the inbox sees a repeat).
 */
export function onStockReserved(): EventHandler<Database, 'stock.reserved'> {
  const handler: EventHandler<Database, 'stock.reserved'> = async (event, trx) => {
    await authorizeOrderPayment(trx, requestOf(event));
  };
  handler.alone = (event, db, inbox) => authorizeOrderPayment(db, requestOf(event), inbox);
  return handler;
}
