import type { Kysely } from 'kysely';
import type { AttemptOperation, Database, PaymentRow } from '../db/database.js';
import { insertAttempt } from '../db/payment-attempts-repository.js';
import type {
  LeasedOperation,
  OperationKey,
  OrderNow,
} from '../db/provider-operations-repository.js';
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

/**
 * Where this process hands the operations it committed to its runner (`OperationRunner`), which
 * claims them by key at once: no notification to wait for (this process's sessions send none).
 * Called only once the operation is committed (a consumer's `afterCommit`); one never handed
 * over (the process stopped in between) is found by the runners' poll.
 */
export interface OperationHandOff {
  take(key: OperationKey): void;
  /**
   * While the runner runs, the lease under which an order's first operation (an authorization)
   * may be inserted already claimed for it (`requestOperations`' `leaseMs`; twice a claim's, for
   * the wait until it starts), then handed over whole with {@link takeClaimed}; undefined while
   * it does not run (insert it due, for a poll).
   */
  readonly leaseMs: number | undefined;
  /**
   * An operation this process inserted already claimed for its runner, committed: run without a
   * claim. One not started while a claim's lease is left (the runner stopped, or full) is left
   * to the poll that claims it once its lease ends.
   */
  takeClaimed(leased: LeasedOperation): void;
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
 * What the provider answered a capture, void or refund: done (its reference), or refused for
 * good (anything but a transient error: see {@link ProviderTransientError}), which ends the
 * operation; trying it again under the same key would get the same refusal.
 */
export type OperationAnswer =
  ({ outcome: 'succeeded' } & OperationResult) | { outcome: 'refused'; message: string };

/**
 * Captures, voids or refunds a payment's authorization with retries and a timeout per try, with
 * no transaction open. When the provider cannot be reached after the retries (transient errors,
 * timeouts), throws: the runner tries the operation again later (the provider keys make repeats
 * harmless). A definitive refusal is an answer: the operation ends with it.
 */
export async function callProviderOperation(
  ctx: PaymentsContext,
  payment: PaymentRow,
  operation: 'capture' | 'void' | 'refund',
): Promise<OperationAnswer> {
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
  if (tried.ok) return { outcome: 'succeeded', ...tried.value };
  const last = tried.failures.at(-1)!;
  const log = { orderId: payment.order_id, paymentId: payment.id, operation };
  if (!tried.transient) {
    ctx.log.error({ ...log, err: last }, `the provider refused the payment ${operation}`);
    return { outcome: 'refused', message: last.message };
  }
  ctx.log.warn(
    { ...log, tries: tried.failures.length },
    `payment ${operation} failed; will be retried`,
  );
  throw last;
}

/**
 * The ledger row of a provider operation's answer: succeeded, or declined (`refused`, with the
 * provider's message). A refusal is counted (`payments_provider_refusals_total`).
 */
export async function recordProviderOperation(
  ctx: PaymentsContext,
  trx: Kysely<Database>,
  payment: PaymentRow,
  operation: 'capture' | 'void' | 'refund',
  answer: OperationAnswer,
): Promise<void> {
  const refused = answer.outcome === 'refused';
  if (refused) ctx.refusals.inc({ operation });
  await insertAttempt(trx, {
    payment_id: payment.id,
    operation,
    outcome: refused ? 'declined' : 'succeeded',
    source: 'saga',
    amount: payment.amount,
    currency: payment.currency,
    reason: refused ? 'refused' : null,
    message: refused ? answer.message : null,
    provider_reference: refused ? null : answer.reference,
  });
}
