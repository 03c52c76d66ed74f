import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { isOrderCancelled } from '../db/cancelled-orders-repository.js';
import type { Database, NewPaymentAttempt, PaymentMethodRow } from '../db/database.js';
import { insertAttempt } from '../db/payment-attempts-repository.js';
import { findPaymentMethod } from '../db/payment-methods-repository.js';
import { findPaymentByOrder, insertPayment, lockOrder } from '../db/payments-repository.js';
import { publishPaymentAuthorized, publishPaymentFailed } from '../events/publishers.js';
import type { AuthorizeResult, DeclineReason, Money } from '../providers/provider.js';
import { isExpired } from './card.js';
import type { PaymentsContext } from './context.js';
import { operationKey } from './provider-operation.js';
import { withRetries } from './retry.js';

export interface AuthorizationRequest {
  orderId: string;
  userId: string;
  total: Money;
  paymentMethodId: string;
}

export type FailureReason = DeclineReason | 'provider_error';

export type AuthorizationOutcome =
  | 'authorized'
  | 'failed'
  /** The order already has its payment: a redelivered or republished event. */
  | 'duplicate'
  /** The order was cancelled before its stock was reserved: nothing to charge. */
  | 'cancelled';

type Attempt = Omit<NewPaymentAttempt, 'id' | 'payment_id'>;

interface Decision {
  result: AuthorizeResult | { outcome: 'error'; message: string };
  attempts: Attempt[];
}

function ledgerBase(request: AuthorizationRequest) {
  return {
    operation: 'authorize' as const,
    source: 'saga' as const,
    amount: request.total.amount,
    currency: request.total.currency,
  };
}

/** Refused before any provider call (unknown method, expired card); still one ledger row. */
function refusal(request: AuthorizationRequest, reason: DeclineReason, message: string): Decision {
  return {
    result: { outcome: 'declined', reason, message },
    attempts: [
      { ...ledgerBase(request), outcome: 'declined', reason, message, provider_reference: null },
    ],
  };
}

async function callProvider(
  ctx: PaymentsContext,
  method: PaymentMethodRow,
  request: AuthorizationRequest,
): Promise<Decision> {
  const base = ledgerBase(request);
  if (isExpired(method.exp_month, method.exp_year, ctx.now?.() ?? new Date())) {
    return refusal(request, 'expired_card', 'the card has expired');
  }
  const provider = ctx.providers.get(method.provider);
  if (!provider) {
    const message = `payment provider ${method.provider} is not configured`;
    return {
      result: { outcome: 'error', message },
      attempts: [
        { ...base, outcome: 'error', reason: 'provider_error', message, provider_reference: null },
      ],
    };
  }
  const tried = await withRetries(
    () =>
      provider.authorize({
        token: method.provider_token,
        amount: request.total,
        // One order, one authorization.
        idempotencyKey: operationKey(request.orderId, 'authorize'),
      }),
    ctx.retry,
  );
  const attempts: Attempt[] = tried.failures.map((error) => ({
    ...base,
    outcome: 'error',
    reason: 'provider_error',
    message: error.message,
    provider_reference: null,
  }));
  if (!tried.ok) {
    return { result: { outcome: 'error', message: attempts.at(-1)!.message! }, attempts };
  }
  const result = tried.value;
  attempts.push(
    result.outcome === 'authorized'
      ? {
          ...base,
          outcome: 'succeeded',
          reason: null,
          message: null,
          provider_reference: result.reference,
        }
      : {
          ...base,
          outcome: 'declined',
          reason: result.reason,
          message: result.message,
          provider_reference: null,
        },
  );
  return { result, attempts };
}

/**
 * Authorizes an order's total once, whatever number of times `stock.reserved` arrives: a
 * per-order lock and the unique payment per order turn repeats into no-ops, and the provider
 * call carries a key derived from the order, so even a retry after a crash between the
 * provider's answer and our commit is the same authorization. Transient provider errors are
 * retried with backoff, then the payment fails with `provider_error`. The outcome is published
 * through the outbox in the same transaction as the payment and its ledger rows.
 */
export async function authorizeOrderPayment(
  ctx: PaymentsContext,
  trx: Kysely<Database>,
  request: AuthorizationRequest,
): Promise<AuthorizationOutcome> {
  const { orderId } = request;
  await lockOrder(trx, orderId);
  if (await findPaymentByOrder(trx, orderId)) {
    ctx.log.info({ orderId }, 'order already has a payment; nothing to authorize');
    return 'duplicate';
  }
  if (await isOrderCancelled(trx, orderId)) {
    ctx.log.info({ orderId }, 'order was cancelled before its authorization; nothing to authorize');
    return 'cancelled';
  }

  const found = await findPaymentMethod(trx, request.paymentMethodId);
  // Another shopper's payment method is as good as unknown.
  const method = found && found.user_id === request.userId ? found : undefined;
  const decision: Decision = method
    ? await callProvider(ctx, method, request)
    : refusal(request, 'declined', 'unknown payment method');

  const paymentId = uuidv7();
  const provider = method?.provider ?? 'none';
  const { result } = decision;
  const failure =
    result.outcome === 'authorized'
      ? null
      : result.outcome === 'declined'
        ? { reason: result.reason as FailureReason, message: result.message }
        : { reason: 'provider_error' as const, message: result.message };

  await insertPayment(trx, {
    id: paymentId,
    order_id: orderId,
    user_id: request.userId,
    payment_method_id: method?.id ?? null,
    provider,
    provider_reference: result.outcome === 'authorized' ? result.reference : null,
    status: failure ? 'failed' : 'authorized',
    amount: request.total.amount,
    currency: request.total.currency,
    failure_reason: failure?.reason ?? null,
    failure_message: failure?.message ?? null,
  });
  for (const attempt of decision.attempts)
    await insertAttempt(trx, { ...attempt, payment_id: paymentId });

  if (!failure) {
    await publishPaymentAuthorized(trx, { orderId, paymentId, amount: request.total, provider });
    ctx.log.info({ orderId, paymentId, provider }, 'payment authorized');
    return 'authorized';
  }
  await publishPaymentFailed(trx, { orderId, paymentId, ...failure });
  ctx.log.info({ orderId, paymentId, reason: failure.reason }, 'payment failed');
  return 'failed';
}
