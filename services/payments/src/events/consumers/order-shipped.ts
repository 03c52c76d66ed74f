import type { EventEnvelope } from '@bazaar/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { captureOrderPayment } from '../../domain/capture-payment.js';
import type { PaymentsContext } from '../../domain/context.js';

/** `order.shipped` (queue `payments.orders`): capture the authorization, once. */
export function onOrderShipped(ctx: PaymentsContext) {
  return async (event: EventEnvelope<'order.shipped'>, trx: Kysely<Database>): Promise<void> => {
    await captureOrderPayment(ctx, trx, event.data.orderId);
  };
}
