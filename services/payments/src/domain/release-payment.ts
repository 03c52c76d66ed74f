import type { Kysely } from 'kysely';
import { recordCancelledOrder } from '../db/cancelled-orders-repository.js';
import type { Database, PaymentRow } from '../db/database.js';
import { findPaymentByOrder, lockOrder, updatePayment } from '../db/payments-repository.js';
import { requestOperation } from '../db/provider-operations-repository.js';
import type { PaymentsContext } from './context.js';
import type { OperationResult } from '../providers/provider.js';
import {
  callProviderOperation,
  nothingToDo,
  recordProviderOperation,
  type OperationPlan,
} from './provider-operation.js';

export type ReleaseOutcome =
  /** The provider will be asked after the consumer's transaction. */
  | 'requested'
  /** An authorization not yet captured: voided, the hold released. */
  | 'voided'
  /** A captured payment: refunded. */
  | 'refunded'
  /** Already voided or refunded: a repeated cancel. */
  | 'already_released'
  /** Nothing was ever authorized (no payment, or a failed one): absorbed. */
  | 'nothing_to_release';

const releasable = (payment: PaymentRow | undefined): boolean =>
  payment !== undefined && (payment.status === 'authorized' || payment.status === 'captured');

/**
 * `order.cancelled`, in the consumer's transaction: gives the money of a cancelled order back,
 * once. The cancel is remembered, so a `stock.reserved` that arrives after it (the two travel on
 * different queues) charges nothing, and an authorization in flight is released as soon as it
 * is recorded. A payment to give back is requested from the runner ({@link planRelease}).
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
  if (!releasable(payment)) {
    ctx.log.info({ orderId, paymentId: payment.id }, 'payment already released');
    return 'already_released';
  }
  await requestOperation(trx, orderId, 'release');
  return 'requested';
}

/**
 * The runner's half: an authorization is voided, a captured payment refunded (decided from the
 * payment as it is now), with no transaction open while the provider answers; then the status,
 * the ledger row and `payment.refunded` in one short transaction.
 */
export async function planRelease(
  ctx: PaymentsContext,
  db: Kysely<Database>,
  orderId: string,
): Promise<OperationPlan> {
  const payment = await findPaymentByOrder(db, orderId);
  if (!payment || !releasable(payment)) return nothingToDo();
  const operation = payment.status === 'captured' ? 'refund' : 'void';
  return {
    call: () => callProviderOperation(ctx, payment, operation),
    write: async (trx, result, _order, batch): Promise<ReleaseOutcome> => {
      // The order is locked and the operation marked done (the runner's writer).
      const now = (await findPaymentByOrder(trx, orderId))!;
      if (!releasable(now)) return 'already_released';
      const status = operation === 'void' ? 'voided' : 'refunded';
      await recordProviderOperation(trx, now, operation, result as OperationResult);
      await updatePayment(trx, now.id, { status });
      batch.events.add({
        type: 'payment.refunded',
        data: {
          orderId,
          paymentId: now.id,
          amount: { amount: now.amount, currency: now.currency },
          provider: now.provider,
        },
      });
      ctx.log.info({ orderId, paymentId: now.id, status }, 'payment released');
      return status;
    },
  };
}
