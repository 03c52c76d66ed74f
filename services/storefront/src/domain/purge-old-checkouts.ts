import type { Kysely } from 'kysely';
import { deleteCheckoutPaymentMethodsBefore } from '../db/checkout-payment-methods-repository.js';
import type { Database } from '../db/database.js';

/** orders keeps idempotency keys at least 24 h; the storefront remembers their methods twice that. */
export const CHECKOUT_KEY_RETENTION_MS = 48 * 60 * 60 * 1000;

/** Forgets the payment methods of checkout keys older than the retention; returns how many. */
export function purgeOldCheckouts(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  return deleteCheckoutPaymentMethodsBefore(
    db,
    new Date(now.getTime() - CHECKOUT_KEY_RETENTION_MS),
  );
}
