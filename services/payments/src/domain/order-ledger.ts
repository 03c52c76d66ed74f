import type { Kysely } from 'kysely';
import type {
  AttemptOperation,
  AttemptOutcome,
  AttemptSource,
  Database,
  PaymentAttemptRow,
  PaymentMethodRow,
  PaymentRow,
  PaymentStatus,
} from '../db/database.js';
import { listAttempts } from '../db/payment-attempts-repository.js';
import { findPaymentMethod } from '../db/payment-methods-repository.js';
import { listPaymentsOfOrder } from '../db/payments-repository.js';
import { errors } from '../errors.js';
import type { Money } from '../providers/provider.js';

export interface LedgerAttempt {
  id: string;
  operation: AttemptOperation;
  outcome: AttemptOutcome;
  source: AttemptSource;
  amount: Money | null;
  reason: string | null;
  message: string | null;
  createdAt: string;
}

export interface LedgerPayment {
  id: string;
  status: PaymentStatus;
  amount: Money;
  provider: string;
  /** The provider's authorization reference: admins only, for reconciliation. */
  providerReference?: string | null;
  paymentMethod: { id: string; brand: string; last4: string } | null;
  failure: { reason: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  attempts: LedgerAttempt[];
}

export interface OrderLedger {
  orderId: string;
  items: LedgerPayment[];
}

/** Who reads a ledger: the order's owner (by user id) or an admin. */
export type LedgerViewer = { userId: string } | 'admin';

function attemptView(row: PaymentAttemptRow): LedgerAttempt {
  return {
    id: row.id,
    operation: row.operation,
    outcome: row.outcome,
    source: row.source,
    amount: row.amount === null ? null : { amount: row.amount, currency: row.currency! },
    reason: row.reason,
    message: row.message,
    createdAt: row.created_at.toISOString(),
  };
}

function paymentView(
  payment: PaymentRow,
  method: PaymentMethodRow | undefined,
  attempts: PaymentAttemptRow[],
  admin: boolean,
): LedgerPayment {
  return {
    id: payment.id,
    status: payment.status,
    amount: { amount: payment.amount, currency: payment.currency },
    provider: payment.provider,
    ...(admin ? { providerReference: payment.provider_reference } : {}),
    paymentMethod: method ? { id: method.id, brand: method.brand, last4: method.last4 } : null,
    failure:
      payment.failure_reason === null
        ? null
        : { reason: payment.failure_reason, message: payment.failure_message ?? '' },
    createdAt: payment.created_at.toISOString(),
    updatedAt: payment.updated_at.toISOString(),
    attempts: attempts.filter((a) => a.payment_id === payment.id).map(attemptView),
  };
}

/**
 * An order's payments with every attempt, oldest first. Someone else's order reads exactly like
 * an unknown one (404), so ids cannot be probed; so does an order payments has not seen yet.
 */
export async function getOrderLedger(
  db: Kysely<Database>,
  orderId: string,
  viewer: LedgerViewer,
): Promise<OrderLedger> {
  const payments = await listPaymentsOfOrder(db, orderId);
  const visible =
    viewer === 'admin' ? payments : payments.filter((p) => p.user_id === viewer.userId);
  if (visible.length === 0) throw errors.PAYMENTS_NOT_FOUND(`no payments for order ${orderId}`);
  const attempts = await listAttempts(
    db,
    visible.map((p) => p.id),
  );
  const methods = new Map<string, PaymentMethodRow | undefined>();
  for (const { payment_method_id: id } of visible) {
    if (id && !methods.has(id)) methods.set(id, await findPaymentMethod(db, id));
  }
  return {
    orderId,
    items: visible.map((p) =>
      paymentView(
        p,
        p.payment_method_id ? methods.get(p.payment_method_id) : undefined,
        attempts,
        viewer === 'admin',
      ),
    ),
  };
}
