import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { authorizeOrderPayment } from '../../domain/authorize-payment.js';
import type { PaymentsContext } from '../../domain/context.js';

/** `stock.reserved` (queue `payments.stock`): authorize the order's total, once. */
export function onStockReserved(ctx: PaymentsContext): EventHandler<Database, 'stock.reserved'> {
  return async (event, trx) => {
    const { orderId, userId, total, paymentMethodId } = event.data;
    await authorizeOrderPayment(ctx, trx, { orderId, userId, total, paymentMethodId });
  };
}
