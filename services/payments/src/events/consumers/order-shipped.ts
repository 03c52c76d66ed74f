import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import { captureOrderPayment } from '../../domain/capture-payment.js';
import type { PaymentsContext } from '../../domain/context.js';
import type { OperationHandOff } from '../../domain/provider-operation.js';

/**
 * `order.shipped` (queue `payments.orders`): capture the authorization, once; the capture asked
 * for goes to the runner once committed.
 */
export function onOrderShipped(
  ctx: PaymentsContext,
  runner: OperationHandOff,
): EventHandler<Database, 'order.shipped'> {
  return async (event, trx, { afterCommit }) => {
    const { orderId } = event.data;
    if ((await captureOrderPayment(ctx, trx, orderId)) === 'requested') {
      afterCommit(() => runner.take({ orderId, operation: 'capture' }));
    }
  };
}
