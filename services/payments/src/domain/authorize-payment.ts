import type { InboxEntry } from '@bazaar/messaging';
import { traceCarrier, type TraceCarrier } from '@bazaar/telemetry';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database, NewPaymentAttempt, PaymentMethodRow } from '../db/database.js';
import {
  requestOperations,
  type OrderBeforeCall,
  type OrderNow,
  type RequestedOperation,
} from '../db/provider-operations-repository.js';
import type { AuthorizeResult, DeclineReason, Money } from '../providers/provider.js';
import { isExpired } from '../providers/card.js';
import type { PaymentsContext } from './context.js';
import type { OutcomeBatch } from './outcome-batch.js';
import { nothingToDo, operationKey, type OperationPlan } from './provider-operation.js';
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
  | 'duplicate';

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
  const provider = ctx.providers.get(method.provider)!;
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

/** What may be decided without calling the provider: an expired card, a provider gone. */
function decideWithoutProvider(
  ctx: PaymentsContext,
  method: PaymentMethodRow | undefined,
  request: AuthorizationRequest,
): Decision | undefined {
  if (!method) return refusal(request, 'declined', 'unknown payment method');
  if (isExpired(method.exp_month, method.exp_year, ctx.now?.() ?? new Date())) {
    return refusal(request, 'expired_card', 'the card has expired');
  }
  if (!ctx.providers.get(method.provider)) {
    const message = `payment provider ${method.provider} is not configured`;
    return {
      result: { outcome: 'error', message },
      attempts: [
        {
          ...ledgerBase(request),
          outcome: 'error',
          reason: 'provider_error',
          message,
          provider_reference: null,
        },
      ],
    };
  }
  return undefined;
}

/** Another shopper's payment method is as good as unknown. */
function ownedBy(
  request: AuthorizationRequest,
  method: PaymentMethodRow | undefined,
): PaymentMethodRow | undefined {
  return method && method.user_id === request.userId ? method : undefined;
}

/** Adds the payment, its ledger rows and `payment.authorized` / `payment.failed` to the batch. */
function recordAuthorization(
  ctx: PaymentsContext,
  batch: OutcomeBatch,
  request: AuthorizationRequest,
  method: PaymentMethodRow | undefined,
  decision: Decision,
): 'authorized' | 'failed' {
  const { orderId } = request;
  const paymentId = uuidv7();
  const provider = method?.provider ?? 'none';
  const { result } = decision;
  const failure =
    result.outcome === 'authorized'
      ? null
      : result.outcome === 'declined'
        ? { reason: result.reason as FailureReason, message: result.message }
        : { reason: 'provider_error' as const, message: result.message };

  batch.addPayment({
    payment: {
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
    },
    attempts: decision.attempts,
  });

  if (!failure) {
    batch.events.add({
      type: 'payment.authorized',
      data: { orderId, paymentId, amount: request.total, provider },
    });
    ctx.log.info({ orderId, paymentId, provider }, 'payment authorized');
    return 'authorized';
  }
  batch.events.add({ type: 'payment.failed', data: { orderId, paymentId, ...failure } });
  ctx.log.info({ orderId, paymentId, reason: failure.reason }, 'payment failed');
  return 'failed';
}

/**
 * `stock.reserved`, in the consumer's transaction: asks the runner to authorize the order's
 * total (a `provider_operations` row, one per order whatever number of times the event arrives:
 * its primary key turns repeats into no-ops). Nothing else is read or decided here: the runner
 * decides, from the order as the claim (or this insert, leased) read it, what needs no provider
 * (already paid, cancelled, an unknown or expired card, a provider gone) before it calls the
 * provider, then writes the outcome with the order locked ({@link planAuthorization}) — so the
 * consumer's transaction is its inbox row and this one insert. With `inbox` (a delivery on its
 * own), the insert writes that inbox row too, only when it asks the authorization: no
 * transaction at all. With `leaseMs` (this process's runner runs), the row is inserted already
 * claimed for that runner (`requestOperations`). Returns what this call asked (undefined: asked
 * before, and nothing written).
 */
export async function authorizeOrderPayment(
  db: Kysely<Database>,
  request: AuthorizationRequest,
  also: { inbox?: InboxEntry; leaseMs?: number } = {},
): Promise<RequestedOperation | undefined> {
  const [asked] = await authorizeOrderPayments(
    db,
    [{ ...request, traceContext: traceCarrier() }],
    also,
  );
  return asked;
}

/**
 * {@link authorizeOrderPayment} for several orders at once, in one insert, each authorization
 * in the trace of the event that asked it (`traceContext`); the inbox rows are the consumer's.
 * Returns the ones this call asked (the others were asked before: nothing written for them).
 * The orders must be different ones.
 */
export async function authorizeOrderPayments(
  db: Kysely<Database>,
  requests: ReadonlyArray<AuthorizationRequest & { traceContext: TraceCarrier }>,
  also: { inbox?: InboxEntry; leaseMs?: number } = {},
): Promise<RequestedOperation[]> {
  return requestOperations(
    db,
    requests.map(({ traceContext, ...request }) => ({
      orderId: request.orderId,
      operation: 'authorize',
      request,
      traceContext,
    })),
    also,
  );
}

/**
 * The runner's half of an authorization (the order read by the claim), outside any transaction while the provider is asked:
 * the call carries a key derived from the order, so a retry after a crash between the
 * provider's answer and our commit is the same authorization. Transient errors and timeouts are
 * retried with backoff, then the payment fails with `provider_error`. The outcome is written in
 * the runner's transaction, the order locked: a payment recorded meanwhile wins, and an
 * order cancelled while the provider was asked has its new authorization released at once.
 */
export function planAuthorization(
  ctx: PaymentsContext,
  request: AuthorizationRequest,
  /** The order as the runner's claim read it. */
  before: OrderBeforeCall,
): OperationPlan<Decision> | OperationPlan<void> {
  if (before.paid || before.cancelled) return nothingToDo();
  const method = ownedBy(request, before.method);
  const decided = decideWithoutProvider(ctx, method, request);
  const planned: OperationPlan<Decision> = {
    call: async () => decided ?? (await callProvider(ctx, method!, request)),
    write: (trx, decision, now, batch) =>
      writeAuthorization(ctx, trx, batch, request, method, decision, now),
  };
  return planned;
}

async function writeAuthorization(
  ctx: PaymentsContext,
  trx: Kysely<Database>,
  batch: OutcomeBatch,
  request: AuthorizationRequest,
  method: PaymentMethodRow | undefined,
  decision: Decision,
  /** The order as found with its lock held (the runner's writer). */
  now: OrderNow,
): Promise<AuthorizationOutcome> {
  const { orderId } = request;
  if (now.paid) return 'duplicate';
  const outcome = recordAuthorization(ctx, batch, request, method, decision);
  if (outcome === 'authorized' && now.cancelled) {
    ctx.log.info({ orderId }, 'order was cancelled while it was authorized; releasing it');
    await batch.requestOperation(trx, { orderId, operation: 'release' });
  }
  return outcome;
}
