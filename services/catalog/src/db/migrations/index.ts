import type { Migrations } from '@bazaar/db';
import { messagingMigrations } from '@bazaar/messaging';
import * as categories from './2026-11-22-01-categories.js';
import * as products from './2026-11-22-02-products.js';
import * as reservations from './2026-11-22-03-reservations.js';

/** Every migration of the catalog database, oldest first; names are date-prefixed and frozen. */
export const migrations: Migrations = {
  ...messagingMigrations,
  '2026-11-22-01-categories': categories,
  '2026-11-22-02-products': products,
  '2026-11-22-03-reservations': reservations,
};
