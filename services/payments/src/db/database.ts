import type { Generated, Insertable, Selectable } from 'kysely';

/** A vaulted card: the provider's token and what a shopper may see, never the number or CVC. */
export interface PaymentMethodsTable {
  id: string;
  user_id: string;
  provider: string;
  provider_token: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  /** The shopper's Idempotency-Key it was created with (unique per shopper), if any. */
  idempotency_key: string | null;
  created_at: Generated<Date>;
}

export type PaymentStatus = 'authorized' | 'failed' | 'captured' | 'voided' | 'refunded';

/** One payment per order (unique `order_id`): the guard that makes authorization happen once. */
export interface PaymentsTable {
  id: string;
  order_id: string;
  user_id: string;
  payment_method_id: string | null;
  provider: string;
  /** The provider's reference of the authorization; null when it never authorized. */
  provider_reference: string | null;
  status: PaymentStatus;
  amount: number;
  currency: string;
  failure_reason: string | null;
  failure_message: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type AttemptOperation = 'authorize' | 'capture' | 'void' | 'refund';
export type AttemptOutcome = 'succeeded' | 'declined' | 'error';
export type AttemptSource = 'saga' | 'webhook';

/** The ledger: every call made to a provider for a payment, and every webhook that moved it. */
export interface PaymentAttemptsTable {
  id: string;
  payment_id: string;
  operation: AttemptOperation;
  outcome: AttemptOutcome;
  /** `saga` (a consumer), `webhook` (a provider notification). */
  source: AttemptSource;
  amount: number | null;
  currency: string | null;
  reason: string | null;
  message: string | null;
  provider_reference: string | null;
  created_at: Generated<Date>;
}

/** Orders known to be cancelled, so a `stock.reserved` arriving after the cancel is not charged. */
export interface CancelledOrdersTable {
  order_id: string;
  reason: string;
  cancelled_at: Generated<Date>;
}

/** Provider notifications already handled, by the provider's event id. */
export interface WebhookEventsTable {
  provider: string;
  event_id: string;
  type: string;
  payment_id: string | null;
  outcome: string;
  received_at: Generated<Date>;
}

export type ProviderOperationKind = 'authorize' | 'capture' | 'release';

/** A provider call a consumer asked for; the runner makes it outside any transaction. */
export interface ProviderOperationsTable {
  order_id: string;
  operation: ProviderOperationKind;
  /** What the call needs beyond the order (an authorization's total, user and method). */
  request: unknown;
  /** The trace context of the event that asked for the call, continued when it is made. */
  trace_context: unknown;
  created_at: Generated<Date>;
  /** Not claimed before this time: a lease while it runs, a backoff after a failure. */
  not_before: Generated<Date>;
  tries: Generated<number>;
  last_error: string | null;
  done_at: Date | null;
}

/** Table types of the payments database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
export interface Database {
  payment_methods: PaymentMethodsTable;
  payments: PaymentsTable;
  payment_attempts: PaymentAttemptsTable;
  cancelled_orders: CancelledOrdersTable;
  webhook_events: WebhookEventsTable;
  provider_operations: ProviderOperationsTable;
}

export type PaymentMethodRow = Selectable<PaymentMethodsTable>;
export type NewPaymentMethod = Insertable<PaymentMethodsTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type NewPayment = Insertable<PaymentsTable>;
export type PaymentAttemptRow = Selectable<PaymentAttemptsTable>;
export type NewPaymentAttempt = Insertable<PaymentAttemptsTable>;
