import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { captureOrderPayment } from '../../domain/capture-payment.js';
import type { PaymentsContext } from '../../domain/context.js';

/** `order.shipped` (queue `payments.orders`): capture the authorization, once. */
export function onOrderShipped(ctx: PaymentsContext): EventHandler<Database, 'order.shipped'> {
  return async (event, trx) => {
    await captureOrderPayment(ctx, trx, event.data.orderId);
  };
}
