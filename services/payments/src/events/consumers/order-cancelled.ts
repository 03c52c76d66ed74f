import type { EventEnvelope } from '@bazaar/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { PaymentsContext } from '../../domain/context.js';
import { releaseOrderPayment } from '../../domain/release-payment.js';

/** `order.cancelled` (queue `payments.orders`): void or refund the order's payment, once. */
export function onOrderCancelled(ctx: PaymentsContext) {
  return async (event: EventEnvelope<'order.cancelled'>, trx: Kysely<Database>): Promise<void> => {
    await releaseOrderPayment(ctx, trx, { orderId: event.data.orderId, reason: event.data.reason });
  };
}
