import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Logger } from './logger.js';
import { pruneInBatches } from './prune.js';
import type { InboxEntry } from './subscription.js';
import type { MessagingTables } from './tables.js';

export interface InboxSettings {
  /** Inbox rows older than this are deleted (keep it longer than any redelivery can take). */
  retentionMs: number;
  pruneIntervalMs: number;
}

/**
 * Records messages as handled by `queue`, in the caller's transaction, in one statement; returns
 * the ids that are new (a message seen before — committed earlier, or twice in this list — is
 * not returned, and its handler must not run). The messages travel as arrays (`unnest`): one
 * text, so one prepared statement, for any number of them, and nothing for the query builder
 * to build at every batch.
 */
export async function recordInbox(
  trx: Transaction<MessagingTables>,
  queue: string,
  messages: ReadonlyArray<{ id: string; type: string }>,
): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const { rows } = await sql<{ message_id: string }>`
    insert into inbox_messages (queue, message_id, type)
    select ${queue}, m.id, m.type
      from unnest(${messages.map((m) => m.id)}::uuid[], ${messages.map((m) => m.type)}::text[])
        as m (id, type)
    on conflict do nothing
    returning message_id`.execute(trx);
  return new Set(rows.map((row) => row.message_id));
}

/**
 * The inbox row of `entry` as an INSERT to put in a handler's `alone` statement (a data-modifying
 * CTE): written once for each row of `source` (a CTE of the same statement, the rows it changed),
 * so nothing is recorded when nothing was applied. No `on conflict`: a message handled before
 * fails the statement (a unique violation), which then writes nothing at all, and the consumer
 * applies the message in its transaction, where the inbox sees the duplicate.
 */
export function inboxInsertFrom(entry: InboxEntry, source: string): RawBuilder<unknown> {
  return sql`insert into inbox_messages (queue, message_id, type)
    select ${entry.queue}, ${entry.messageId}::uuid, ${entry.type} from ${sql.table(source)}`;
}

/**
 * Deletes inbox rows past their retention, a bounded batch at a time, every `pruneIntervalMs`:
 * the inbox belongs to the consumers, so a process that consumes prunes it (with or without a
 * relay).
 */
export class InboxPruner {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Kysely<MessagingTables>,
    private readonly settings: InboxSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.prune().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'inbox pruning failed'),
      );
    }, this.settings.pruneIntervalMs).unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Deletes the inbox rows past the retention; returns how many. */
  prune(): Promise<number> {
    return pruneInBatches(
      this.db,
      (limit) => sql`
        delete from inbox_messages where (queue, message_id) in (
          select queue, message_id from inbox_messages
          where processed_at < now() - ${this.settings.retentionMs} * interval '1 millisecond'
          limit ${limit})`,
      () => this.stopped,
    );
  }
}
