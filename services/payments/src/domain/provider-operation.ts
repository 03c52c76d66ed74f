import type { Kysely } from 'kysely';
import type { AttemptOperation, Database, PaymentRow } from '../db/database.js';
import { insertAttempt } from '../db/payment-attempts-repository.js';
import type { OrderNow } from '../db/provider-operations-repository.js';
import type { OperationResult } from '../providers/provider.js';
import type { PaymentsContext } from './context.js';
import type { OutcomeBatch } from './outcome-batch.js';
import { withRetries } from './retry.js';

/**
 * How the runner carries out one claimed provider operation: `call` asks the provider with no
 * transaction open (it throws when the provider cannot be reached after its retries: the
 * operation is tried again later, under the same idempotency key), then `write` records the
 * outcome, in a transaction the runner may share with other operations' outcomes, in which the
 * order is locked and the operation marked done before (`order`: the order as it is then; see
 * the runner's `OutcomeWriter`); its new payment and its events go to `batch`, which the writer
 * writes with the transaction's others at its end, each event with the trace of its operation.
 */
export interface OperationPlan<R = unknown> {
  call(): Promise<R>;
  write(trx: Kysely<Database>, result: R, order: OrderNow, batch: OutcomeBatch): Promise<unknown>;
}

/** Nothing to ask the provider (the order moved on meanwhile): the operation is only marked done. */
export function nothingToDo(): OperationPlan<void> {
  return {
    call: async () => undefined,
    write: async () => undefined,
  };
}

/** The provider's idempotency key of one operation on an order's payment. */
export function operationKey(orderId: string, operation: AttemptOperation): string {
  return `order-${orderId}-${operation}`;
}

/**
 * Captures, voids or refunds a payment's authorization with retries and a timeout per try, with
 * no transaction open. When the provider cannot be reached after the retries, throws: the
 * runner tries the operation again later (the provider keys make repeats harmless).
 */
export async function callProviderOperation(
  ctx: PaymentsContext,
  payment: PaymentRow,
  operation: 'capture' | 'void' | 'refund',
): Promise<OperationResult> {
  const provider = ctx.providers.get(payment.provider);
  if (!provider) throw new Error(`payment provider ${payment.provider} is not configured`);
  const reference = payment.provider_reference!;
  const amount = { amount: payment.amount, currency: payment.currency };
  const idempotencyKey = operationKey(payment.order_id, operation);
  const tried = await withRetries(
    () =>
      operation === 'void'
        ? provider.void({ reference, idempotencyKey })
        : provider[operation]({ reference, amount, idempotencyKey }),
    ctx.retry,
  );
  if (!tried.ok) {
    const last = tried.failures.at(-1)!;
    ctx.log.warn(
      { orderId: payment.order_id, paymentId: payment.id, operation, tries: tried.failures.length },
      `payment ${operation} failed; will be retried`,
    );
    throw last;
  }
  return tried.value;
}

/** The ledger row of a provider operation that succeeded. */
export async function recordProviderOperation(
  trx: Kysely<Database>,
  payment: PaymentRow,
  operation: 'capture' | 'void' | 'refund',
  result: OperationResult,
): Promise<void> {
  await insertAttempt(trx, {
    payment_id: payment.id,
    operation,
    outcome: 'succeeded',
    source: 'saga',
    amount: payment.amount,
    currency: payment.currency,
    reason: null,
    message: null,
    provider_reference: result.reference,
  });
}
