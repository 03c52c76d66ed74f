import type { ColumnType, Generated } from 'kysely';

/** The outbox and inbox tables every service's database gets from `messagingMigrations`. */
export const OUTBOX_TABLE = 'outbox_events';
export const INBOX_TABLE = 'inbox_messages';
/** `NOTIFY` channel the outbox trigger signals on commit; the relay `LISTEN`s to it. */
export const OUTBOX_CHANNEL = 'bazaar_outbox';

/**
 * `pending` until the broker confirms it (`sent`) or returns it because no queue is bound to its
 * type (`unrouted`: kept for the retention, `republishUnrouted` sends it again); `failed` when
 * its data no longer matches its schema.
 */
export type OutboxStatus = 'pending' | 'sent' | 'unrouted' | 'failed';

export interface OutboxEventsTable {
  /** The message id (UUIDv7), also the envelope id and the AMQP `messageId`. */
  id: string;
  /** Creation order; the relay publishes pending rows by it. */
  position: Generated<number>;
  type: string;
  version: number;
  occurred_at: ColumnType<Date, string | Date, never>;
  data: ColumnType<unknown, string, never>;
  traceparent: string | null;
  tracestate: string | null;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  /** Not before this time (a claimed row is leased to its relay until then). */
  available_at: Generated<Date>;
  created_at: Generated<Date>;
  /** When the broker confirmed it, or returned it unrouted. */
  sent_at: Date | null;
}

export interface InboxMessagesTable {
  /** The logical queue (subscription) that handled the message. */
  queue: string;
  message_id: string;
  type: string;
  processed_at: Generated<Date>;
}

export interface MessagingTables {
  outbox_events: OutboxEventsTable;
  inbox_messages: InboxMessagesTable;
}
