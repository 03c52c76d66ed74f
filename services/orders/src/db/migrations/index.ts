import type { Migrations } from '@bazaar/db';
import { messagingMigrations } from '@bazaar/messaging';
import * as carts from './2026-11-23-01-carts.js';
import * as orders from './2026-11-23-02-orders.js';
import * as idempotencyKeys from './2026-11-23-03-idempotency-keys.js';
import * as statusNotifyTrigger from './2026-11-24-02-status-notify-trigger.js';
import * as idempotencyStatusUnused from './2026-12-06-01-idempotency-status-unused.js';
import * as statusNotifyNotPlaced from './2026-12-06-12-status-notify-not-placed.js';

/** Every migration of the orders database, oldest first; names are date-prefixed and frozen. */
export const migrations: Migrations = {
  ...messagingMigrations,
  '2026-11-23-01-carts': carts,
  '2026-11-23-02-orders': orders,
  '2026-11-23-03-idempotency-keys': idempotencyKeys,
  '2026-11-24-02-status-notify-trigger': statusNotifyTrigger,
  '2026-12-06-01-idempotency-status-unused': idempotencyStatusUnused,
  // After messaging's 2026-12-06-11, which databases of the commit before this ran first.
  '2026-12-06-12-status-notify-not-placed': statusNotifyNotPlaced,
};
