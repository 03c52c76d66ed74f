import type { Migrations } from '@bazaar/db';
import { messagingMigrations } from '@bazaar/messaging';
import * as paymentMethods from './2026-11-23-01-payment-methods.js';
import * as payments from './2026-11-23-02-payments.js';
import * as webhookEvents from './2026-11-23-03-webhook-events.js';
import * as providerOperations from './2026-12-06-01-provider-operations.js';
import * as paymentMethodKeys from './2026-12-06-02-payment-method-keys.js';
import * as operationKeysNotified from './2026-12-06-03-provider-operation-keys-notified.js';
import * as operationsNotifyOthers from './2026-12-06-12-provider-operations-notify-others.js';
import * as operationsAutovacuum from './2026-12-07-02-provider-operations-autovacuum.js';

/**
 * Every migration of the payments database, oldest first; names are date-prefixed and frozen.
 * The outbox and inbox tables of `@bazaar/messaging` come first.
 */
export const migrations: Migrations = {
  ...messagingMigrations,
  '2026-11-23-01-payment-methods': paymentMethods,
  '2026-11-23-02-payments': payments,
  '2026-11-23-03-webhook-events': webhookEvents,
  '2026-12-06-01-provider-operations': providerOperations,
  '2026-12-06-02-payment-method-keys': paymentMethodKeys,
  '2026-12-06-03-provider-operation-keys-notified': operationKeysNotified,
  // After messaging's 2026-12-06-11, which databases of the commit before this ran first.
  '2026-12-06-12-provider-operations-notify-others': operationsNotifyOthers,
  // After messaging's 2026-12-07-01, which sets the same for the outbox and the inbox.
  '2026-12-07-02-provider-operations-autovacuum': operationsAutovacuum,
};
