import type { Generated, Selectable } from 'kysely';

/**
 * The payment method a checkout's Idempotency-Key was given, so that a replayed checkout sends
 * orders the very same body (the same method id) and orders answers its first answer again,
 * instead of a second card exchange turning the replay into a "same key, other body" 422.
 * Holds no card data: brand, last four and expiry only.
 */
export interface CheckoutPaymentMethodsTable {
  user_id: string;
  idempotency_key: string;
  payment_method_id: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  created_at: Generated<Date>;
}

/** Table types of the storefront database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
export interface Database {
  checkout_payment_methods: CheckoutPaymentMethodsTable;
}

export type CheckoutPaymentMethodRow = Selectable<CheckoutPaymentMethodsTable>;
