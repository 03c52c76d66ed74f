import type { EventHandler } from '@bazaar/messaging';
import type { Database } from '../../db/database.js';
import type { PaymentsContext } from '../../domain/context.js';
import type { OperationHandOff } from '../../domain/provider-operation.js';
import { releaseOrderPayment } from '../../domain/release-payment.js';

/**
 * `order.cancelled` (queue `payments.orders`): void or refund the order's payment, once; the
 * release asked for goes to the runner once committed.
 */
export function onOrderCancelled(
  ctx: PaymentsContext,
  runner: OperationHandOff,
): EventHandler<Database, 'order.cancelled'> {
  return async (event, trx, { afterCommit }) => {
    const { orderId, reason } = event.data;
    if ((await releaseOrderPayment(ctx, trx, { orderId, reason })) === 'requested') {
      afterCommit(() => runner.take({ orderId, operation: 'release' }));
    }
  };
}
