import type { Kysely } from 'kysely';
import { recordCancelledOrder } from '../db/cancelled-orders-repository.js';
import type { Database } from '../db/database.js';
import { findPaymentByOrder, lockOrder, updatePayment } from '../db/payments-repository.js';
import { publishPaymentRefunded } from '../events/publishers.js';
import type { PaymentsContext } from './context.js';
import { runProviderOperation } from './provider-operation.js';

export type ReleaseOutcome =
  /** An authorization not yet captured: voided, the hold released. */
  | 'voided'
  /** A captured payment: refunded. */
  | 'refunded'
  /** Already voided or refunded: a repeated cancel. */
  | 'already_released'
  /** Nothing was ever authorized (no payment, or a failed one): absorbed. */
  | 'nothing_to_release';

/**
 * Gives the money of a cancelled order back, once: an authorization is voided, a captured
 * payment refunded, and `payment.refunded` published either way. The cancel is remembered, so
 * a `stock.reserved` that arrives after it (the two travel on different queues) charges nothing.
 */
export async function releaseOrderPayment(
  ctx: PaymentsContext,
  trx: Kysely<Database>,
  cancel: { orderId: string; reason: string },
): Promise<ReleaseOutcome> {
  const { orderId } = cancel;
  await lockOrder(trx, orderId);
  await recordCancelledOrder(trx, orderId, cancel.reason);
  const payment = await findPaymentByOrder(trx, orderId);
  if (!payment || payment.status === 'failed') {
    ctx.log.info({ orderId }, 'cancelled order was never authorized; nothing to release');
    return 'nothing_to_release';
  }
  if (payment.status === 'voided' || payment.status === 'refunded') {
    ctx.log.info({ orderId, paymentId: payment.id }, 'payment already released');
    return 'already_released';
  }
  const operation = payment.status === 'captured' ? 'refund' : 'void';
  await runProviderOperation(ctx, trx, payment, operation);
  const status = operation === 'void' ? 'voided' : 'refunded';
  await updatePayment(trx, payment.id, { status });
  await publishPaymentRefunded(trx, {
    orderId,
    paymentId: payment.id,
    amount: { amount: payment.amount, currency: payment.currency },
    provider: payment.provider,
  });
  ctx.log.info({ orderId, paymentId: payment.id, status }, 'payment released');
  return status;
}
