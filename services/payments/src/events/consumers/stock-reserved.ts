import type { EventEnvelope } from '@bazaar/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { authorizeOrderPayment } from '../../domain/authorize-payment.js';
import type { PaymentsContext } from '../../domain/context.js';

/** `stock.reserved` (queue `payments.stock`): authorize the order's total, once. */
export function onStockReserved(ctx: PaymentsContext) {
  return async (event: EventEnvelope<'stock.reserved'>, trx: Kysely<Database>): Promise<void> => {
    const { orderId, userId, total, paymentMethodId } = event.data;
    await authorizeOrderPayment(ctx, trx, { orderId, userId, total, paymentMethodId });
  };
}
