import type { Migrations } from '@bazaar/db';
import * as checkoutPaymentMethods from './2026-11-23-01-checkout-payment-methods.js';

/** Every migration of the storefront database, oldest first; names are date-prefixed and frozen. */
export const migrations: Migrations = {
  '2026-11-23-01-checkout-payment-methods': checkoutPaymentMethods,
};
