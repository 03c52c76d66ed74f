import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { authorizeOrderPayment } from '../../domain/authorize-payment.js';

/** `stock.reserved` (queue `payments.stock`): the order's total is to be authorized, once. */
export function onStockReserved(): EventHandler<Database, 'stock.reserved'> {
  return async (event, trx) => {
    const { orderId, userId, total, paymentMethodId } = event.data;
    await authorizeOrderPayment(trx, { orderId, userId, total, paymentMethodId });
  };
}
