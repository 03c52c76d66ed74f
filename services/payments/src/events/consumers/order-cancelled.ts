import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import type { PaymentsContext } from '../../domain/context.js';
import { releaseOrderPayment } from '../../domain/release-payment.js';

/** `order.cancelled` (queue `payments.orders`): void or refund the order's payment, once. */
export function onOrderCancelled(ctx: PaymentsContext): EventHandler<Database, 'order.cancelled'> {
  return async (event, trx) => {
    await releaseOrderPayment(ctx, trx, { orderId: event.data.orderId, reason: event.data.reason });
  };
}
