export { createMessaging, type Messaging, type MessagingOptions } from './messaging.js';
export {
  writeEvent,
  writeEvents,
  OutboxBatch,
  toOutboxRows,
  outboxInsertFrom,
  outboxRowShell,
  checkWrittenEvent,
  InvalidEventError,
  type OutboxEvent,
  type OutboxRow,
  type OutboxRowShell,
} from './write-event.js';
export { messagingMigrations } from './migrations.js';
export { PermanentError, UnroutableError, BrokerUnavailableError } from './errors.js';
export {
  HEADERS,
  type Delivered,
  type EventHandler,
  type EventHandlers,
  type Handling,
  type InboxEntry,
  type SubscriptionSettings,
  type DeadLetterKind,
} from './subscription.js';
export { inboxInsertFrom, type InboxSettings } from './inbox.js';
export type { RelaySettings, RelayRound } from './relay.js';
export type { Logger } from './logger.js';
export {
  OUTBOX_TABLE,
  INBOX_TABLE,
  type MessagingTables,
  type OutboxEventsTable,
  type InboxMessagesTable,
} from './tables.js';
export { exchangeNames, queueNames } from './topology.js';
export { replayDeadLetters, type ReplayOptions } from './dead-letters.js';
export { republishUnrouted } from './republish-unrouted.js';
export { NotificationListener, type NotificationListenerOptions } from './notification-listener.js';
