import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { insertAttempt } from '../db/payment-attempts-repository.js';
import {
  findPaymentByOrder,
  findPaymentForCapture,
  lockOrder,
  updatePayment,
} from '../db/payments-repository.js';
import { requestOperation } from '../db/provider-operations-repository.js';
import { writePaymentCaptureFailed } from './payment-events.js';
import type { PaymentsContext } from './context.js';
import {
  callProviderOperation,
  nothingToDo,
  recordProviderOperation,
  type OperationAnswer,
  type OperationPlan,
} from './provider-operation.js';

export type CaptureOutcome =
  /** The runner will ask the provider after the consumer's transaction. */
  | 'requested'
  | 'captured'
  /** A repeated `order.shipped`: the payment was captured, or its failure published, before. */
  | 'already_handled'
  /** Nothing authorized to capture: `payment.capture_failed` (`not_authorized`) published. */
  | 'not_capturable'
  /**
   * The provider refused the capture for good: counted, logged and in the ledger, nothing
   * published (`payment.capture_failed` version 1 has no reason for it: decisions.md).
   */
  | 'refused';

/**
 * `order.shipped`, in the consumer's transaction: captures an order's authorization when the
 * order ships (money moves when goods do), once per order. Only an `authorized` payment is
 * captured: the capture is requested and the runner asks the provider afterwards
 * ({@link planCapture}). A payment whose ledger holds a capture already (made by the saga or
 * reported by a webhook, refunded since or not, or refused, or found not authorized) had its
 * `order.shipped` handled: a replay (redelivered, republished under a new id) publishes nothing
 * new. Anything else (failed, voided or refunded before the order shipped, none at all) is left
 * as it is, a declined `capture` goes to its ledger (so a replay finds it) and
 * `payment.capture_failed` (`not_authorized`) is published.
 */
export async function captureOrderPayment(
  ctx: PaymentsContext,
  trx: Kysely<Database>,
  orderId: string,
): Promise<CaptureOutcome> {
  await lockOrder(trx, orderId);
  const found = await findPaymentForCapture(trx, orderId);
  const payment = found?.payment;
  if (found && (found.captureRecorded || found.payment.status === 'captured')) {
    ctx.log.info(
      { orderId, paymentId: found.payment.id, paymentStatus: found.payment.status },
      'shipped order was handled before; nothing to do',
    );
    return 'already_handled';
  }
  if (payment?.status === 'authorized') {
    await requestOperation(trx, orderId, 'capture');
    return 'requested';
  }
  // Goods left with no money behind them (the payment failed, was voided or refunded before
  // the order shipped, or there never was one): orders must hear it, people must look.
  const paymentStatus = payment?.status ?? 'none';
  if (payment) {
    await insertAttempt(trx, {
      payment_id: payment.id,
      operation: 'capture',
      outcome: 'declined',
      source: 'saga',
      amount: payment.amount,
      currency: payment.currency,
      reason: 'not_authorized',
      message: `the payment was ${paymentStatus} when the order shipped`,
      provider_reference: null,
    });
  }
  await writePaymentCaptureFailed(trx, {
    orderId,
    paymentId: payment?.id ?? null,
    reason: 'not_authorized',
    paymentStatus,
  });
  ctx.log.warn({ orderId, paymentStatus }, 'shipped order has nothing to capture');
  return 'not_capturable';
}

/**
 * The runner's half: the provider is asked with no transaction open, the outcome written after.
 * A capture the provider refused for good ends there: the payment stays `authorized`, the
 * refusal goes to the ledger (so a replayed `order.shipped` finds it) and
 * `payment.capture_failed` (`refused`) is published.
 */
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
      const answer = result as OperationAnswer;
      await recordProviderOperation(ctx, trx, now, 'capture', answer);
      if (answer.outcome === 'refused') return 'refused';
      await updatePayment(trx, now.id, { status: 'captured' });
      ctx.log.info({ orderId, paymentId: now.id }, 'payment captured');
      return 'captured';
    },
  };
}
