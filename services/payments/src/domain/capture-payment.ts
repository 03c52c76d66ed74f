import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findPaymentByOrder, lockOrder, updatePayment } from '../db/payments-repository.js';
import { publishPaymentCaptureFailed } from '../events/publishers.js';
import type { PaymentsContext } from './context.js';
import { runProviderOperation } from './provider-operation.js';

export type CaptureOutcome = 'captured' | 'not_capturable';

/**
 * Captures an order's authorization when the order ships (money moves when goods do), once:
 * only an `authorized` payment is captured. Anything else is left as it is and
 * `payment.capture_failed` is published (once per `order.shipped` message: the inbox).
 */
export async function captureOrderPayment(
  ctx: PaymentsContext,
  trx: Kysely<Database>,
  orderId: string,
): Promise<CaptureOutcome> {
  await lockOrder(trx, orderId);
  const payment = await findPaymentByOrder(trx, orderId);
  if (!payment || payment.status !== 'authorized') {
    // Goods left with no money behind them (voided or refunded at the provider before the
    // order shipped, or never authorized): orders must hear it, people must look.
    const paymentStatus = payment?.status ?? 'none';
    await publishPaymentCaptureFailed(trx, {
      orderId,
      paymentId: payment?.id ?? null,
      reason: 'not_authorized',
      paymentStatus,
    });
    ctx.log.warn({ orderId, paymentStatus }, 'shipped order has nothing to capture');
    return 'not_capturable';
  }
  await runProviderOperation(ctx, trx, payment, 'capture');
  await updatePayment(trx, payment.id, { status: 'captured' });
  ctx.log.info({ orderId, paymentId: payment.id }, 'payment captured');
  return 'captured';
}
