import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findPaymentByOrder, lockOrder, updatePayment } from '../db/payments-repository.js';
import { requestOperation } from '../db/provider-operations-repository.js';
import { writePaymentCaptureFailed } from './payment-events.js';
import type { PaymentsContext } from './context.js';
import type { OperationResult } from '../providers/provider.js';
import {
  callProviderOperation,
  nothingToDo,
  recordProviderOperation,
  type OperationPlan,
} from './provider-operation.js';

export type CaptureOutcome = 'requested' | 'captured' | 'not_capturable';

/**
 * `order.shipped`, in the consumer's transaction: captures an order's authorization when the
 * order ships (money moves when goods do), once. Only an `authorized` payment is captured: the
 * capture is requested and the runner asks the provider afterwards ({@link planCapture}).
 * Anything else is left as it is and `payment.capture_failed` is published (once per
 * `order.shipped` message: the inbox).
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
    await writePaymentCaptureFailed(trx, {
      orderId,
      paymentId: payment?.id ?? null,
      reason: 'not_authorized',
      paymentStatus,
    });
    ctx.log.warn({ orderId, paymentStatus }, 'shipped order has nothing to capture');
    return 'not_capturable';
  }
  await requestOperation(trx, orderId, 'capture');
  return 'requested';
}

/** The runner's half: the provider is asked with no transaction open, the outcome written after. */
export async function planCapture(
  ctx: PaymentsContext,
  db: Kysely<Database>,
  orderId: string,
): Promise<OperationPlan> {
  const payment = await findPaymentByOrder(db, orderId);
  if (!payment || payment.status !== 'authorized') return nothingToDo();
  return {
    call: () => callProviderOperation(ctx, payment, 'capture'),
    write: async (trx, result): Promise<CaptureOutcome> => {
      // The order is locked and the operation marked done (the runner's writer).
      const now = (await findPaymentByOrder(trx, orderId))!;
      if (now.status !== 'authorized') return 'not_capturable';
      await recordProviderOperation(trx, now, 'capture', result as OperationResult);
      await updatePayment(trx, now.id, { status: 'captured' });
      ctx.log.info({ orderId, paymentId: now.id }, 'payment captured');
      return 'captured';
    },
  };
}
