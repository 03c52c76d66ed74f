import { validateEnvelope } from '@bazaar/contracts';
import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { sql, type Kysely, type QueryResult, type RawBuilder } from 'kysely';
import { backoffDelay } from '@bazaar/http-client/backoff';
import { pruneInBatches } from './prune.js';
import { Signal, sleep } from './wait.js';
import type { BrokerConnection } from './broker-connection.js';
import { UnroutableError } from './errors.js';
import type { Logger } from './logger.js';
import type { MessagingMetrics } from './metrics.js';
import type { OutgoingMessage, Publisher } from './publisher.js';
import type { MessagingTables } from './tables.js';
import {
  contextFrom,
  currentTraceContext,
  endSpan,
  endUnroutedSpan,
  eventIdAttributes,
  startPublishSpan,
} from './tracing.js';

export interface RelaySettings {
  /** Rows claimed and published per transaction. */
  batchSize: number;
  /** How often the relay looks for rows without being woken by a notification. */
  pollIntervalMs: number;
  /** Sent rows older than this are deleted. */
  retentionMs: number;
  pruneIntervalMs: number;
  /**
   * How long a claimed row is reserved for the relay that claimed it; a relay that dies after
   * publishing leaves it to be published again by any relay once this has passed.
   */
  claimTimeoutMs: number;
}

interface OutboxRow {
  id: string;
  type: string;
  version: number;
  occurred_at: Date;
  data: unknown;
  traceparent: string | null;
  tracestate: string | null;
  attempts: number;
}

export interface RelayRound {
  claimed: number;
  sent: number;
  /** Rows left pending because the broker did not confirm them. */
  unconfirmed: number;
}

/**
 * Publishes the outbox. Each round claims the oldest pending rows with
 * `FOR UPDATE SKIP LOCKED` (so several replicas share the work and none waits on another) and
 * leases them (`available_at` moves `claimTimeoutMs` ahead), publishes them with confirms and
 * marks the confirmed ones sent. A relay that dies midway leaves its rows pending: when the lease
 * runs out they are published again, and the consumers' inbox absorbs the copy. A status column,
 * not a "last id seen" cursor, decides what is pending, so rows of transactions that commit out
 * of order are never skipped. The claim is committed before the broker is talked to, so no
 * transaction (nor its database session) is held open across network calls to RabbitMQ.
 */
/** What an `OutboxRelay` works with. */
export interface OutboxRelayOptions {
  db: Kysely<MessagingTables>;
  connection: BrokerConnection;
  publisher: Publisher;
  /** The events exchange (namespaced). */
  exchange: string;
  /** The publishing service, the envelope's `source`. */
  source: string;
  settings: RelaySettings;
  logger: Logger;
  metrics: MessagingMetrics;
}

type ClaimedRow = OutboxRow & { position: number };
/** Published rows to mark `sent`, and those the broker returned (no queue bound): `unrouted`. */
type Unmarked = { sent: string[]; unroutable: string[] };

/**
 * The longest a round's marks wait for the next round's claim to carry them (at a steady rate
 * the next round comes sooner, and its claim and the marks are one statement).
 */
const MARK_WITHIN_MS = 100;
type Prepared = { row: OutboxRow; message: OutgoingMessage };

export class OutboxRelay {
  private readonly wakeUp = new Signal();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** Event types already reported as unrouted: said once per type, then counted only. */
  private readonly unroutedTypes = new Set<string>();
  /** When the next pending row is due (undefined: none), as last asked, and when that was. */
  private nextDue: { at: number | undefined; checkedAt: number } | undefined;
  /**
   * Rows the broker confirmed (or returned as unrouted) not yet marked so: the next claim marks
   * them in its own statement, or `markAlone` when no round follows soon.
   */
  private unmarked: Unmarked = { sent: [], unroutable: [] };
  /** How long the marks of a round wait for the next claim to carry them. */
  private readonly markWithinMs: number;
  /** Test hook: runs after a batch is published and before it is marked sent. */
  afterPublish: ((ids: string[]) => Promise<void>) | undefined;

  private readonly db: Kysely<MessagingTables>;
  private readonly connection: BrokerConnection;
  private readonly publisher: Publisher;
  private readonly exchange: string;
  private readonly source: string;
  private readonly settings: RelaySettings;
  private readonly logger: Logger;
  private readonly metrics: MessagingMetrics;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.connection = options.connection;
    this.publisher = options.publisher;
    this.exchange = options.exchange;
    this.source = options.source;
    this.settings = options.settings;
    this.logger = options.logger;
    this.metrics = options.metrics;
    // Far inside the lease, so a row is marked long before another relay could claim it again.
    this.markWithinMs = Math.min(MARK_WITHIN_MS, this.settings.claimTimeoutMs / 4);
  }

  start(): void {
    this.loop ??= this.run();
    this.pruneTimer ??= setInterval(() => {
      this.prune().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'outbox pruning failed'),
      );
    }, this.settings.pruneIntervalMs).unref();
  }

  /** Look for work now (a notification, a reconnect). */
  wake(): void {
    this.wakeUp.notify();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wakeUp.notify();
    clearInterval(this.pruneTimer);
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      if (!this.publisher.ready) {
        // Broker away: nothing is lost (rows stay pending); wait for the connection.
        await Promise.race([this.connection.whenOpen(), sleep(1000, this.stopping.signal)]);
        // Never spin on resolved promises: that would starve the event loop (and with it the
        // very channel being opened).
        if (!this.publisher.ready) await sleep(100, this.stopping.signal);
        continue;
      }
      try {
        const round = await this.round();
        if (round.unconfirmed > 0) throw new Error(`${round.unconfirmed} publishes unconfirmed`);
        failures = 0;
        if (round.claimed === this.settings.batchSize) continue;
      } catch (error) {
        // Rows of the failed round may be leased or released: ask again when they are due.
        this.nextDue = undefined;
        const delay = backoffDelay(failures++, 200, 10_000);
        this.logger.warn({ err: error, retryInMs: delay }, 'outbox relay round failed');
        await sleep(delay, this.stopping.signal);
        continue;
      }
      // Woken meanwhile (rows committed during the round): straight to the next round, without
      // asking when the next leased row is due.
      if (this.wakeUp.take()) continue;
      await this.idle(await this.nextWaitMs());
    }
    await this.markAlone().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'outbox rows published but not marked at stop'),
    );
  }

  /**
   * Waits `waitMs` for work. The last round's marks ride with the next claim when a round comes
   * within `markWithinMs` (woken by a notification, the usual case at a steady rate); otherwise
   * they are written on their own then.
   */
  private async idle(waitMs: number): Promise<void> {
    const unmarked = this.unmarked.sent.length + this.unmarked.unroutable.length;
    if (unmarked === 0 || waitMs <= this.markWithinMs) {
      await this.wakeUp.wait(waitMs);
      return;
    }
    if (await this.wakeUp.wait(this.markWithinMs)) return;
    try {
      await this.markAlone();
    } catch (error) {
      // Kept: the next claim marks them (well within their lease).
      this.logger.warn({ err: error }, 'marking published outbox rows failed');
    }
    await this.wakeUp.wait(waitMs - this.markWithinMs);
  }

  /**
   * Until the next poll, or sooner when a leased or delayed row becomes due before it. When the
   * next due row is known (or known to be none), asked again only after `recheckMs`: a lease
   * taken meanwhile (by another relay) runs `claimTimeoutMs`, at least twice that long, so it is
   * still seen well before it runs out, and a quiet relay does not ask after every round.
   */
  private async nextWaitMs(): Promise<number> {
    const now = Date.now();
    const { pollIntervalMs, claimTimeoutMs } = this.settings;
    const recheckMs = Math.min(pollIntervalMs, claimTimeoutMs / 2);
    let due = this.nextDue;
    if (!due || now - due.checkedAt >= recheckMs || (due.at !== undefined && due.at <= now)) {
      try {
        const { rows } = await sql<{ due: number | null }>`
          select (extract(epoch from min(available_at) - now()) * 1000)::float8 as due
          from outbox_events where status = 'pending'`.execute(this.db);
        const inMs = rows[0]?.due;
        due = { at: inMs === null || inMs === undefined ? undefined : now + inMs, checkedAt: now };
        this.nextDue = due;
      } catch {
        this.nextDue = undefined;
        return pollIntervalMs;
      }
    }
    if (due.at === undefined) return pollIntervalMs;
    return Math.min(pollIntervalMs, Math.max(10, Math.ceil(due.at - now) + 5));
  }

  /**
   * One round, every row it published marked when it returns (for tests and tools; the relay's
   * own rounds leave the marks to the next claim).
   */
  async relayOnce(): Promise<RelayRound> {
    const round = await this.round();
    await this.markAlone();
    return round;
  }

  /**
   * One round: claim a batch (a lease on the rows, committed at once, marking the previous
   * rounds' published rows in the same statement), check it, publish it with its spans, record
   * what became of each row. No transaction stays open while the broker is talked to.
   */
  private async round(): Promise<RelayRound> {
    const rows = await this.claim();
    if (rows.length === 0) return { claimed: 0, sent: 0, unconfirmed: 0 };
    const { batch, invalid } = this.prepare(rows);
    const { results, spans } = await this.publishTraced(batch);
    const { sent, unconfirmed } = await this.mark(batch, results, spans, invalid);
    return { claimed: rows.length, sent, unconfirmed };
  }

  /**
   * Takes a lease on the next pending rows, in one statement and its own transaction, which
   * also marks the rows published since the last mark (never claimed again by it: their lease
   * still runs, and they are left out by id).
   */
  private async claim(): Promise<ClaimedRow[]> {
    const { sent, unroutable } = this.takeUnmarked();
    // One statement, its own transaction: the lease is taken and committed at once.
    const { rows: claimed } = await this.marking(
      { sent, unroutable },
      sql<ClaimedRow>`
      with marked as (${markSql(sent, unroutable)}),
      claimable as (
        select id from outbox_events
        where status = 'pending' and available_at <= now()
          and id <> all(${[...sent, ...unroutable]}::uuid[])
        order by position
        limit ${this.settings.batchSize}
        for update skip locked)
      update outbox_events o
      set available_at = now() + ${this.settings.claimTimeoutMs} * interval '1 millisecond',
          attempts = o.attempts + 1
      from claimable
      where o.id = claimable.id
      returning o.id, o.position, o.type, o.version, o.occurred_at, o.data,
                o.traceparent, o.tracestate, o.attempts`,
    );
    return claimed.sort((a, b) => a.position - b.position);
  }

  /** Marks the rows published since the last mark, in one statement of their own. */
  private async markAlone(): Promise<void> {
    const { sent, unroutable } = this.takeUnmarked();
    if (sent.length + unroutable.length === 0) return;
    await this.marking({ sent, unroutable }, markSql(sent, unroutable));
  }

  /** The rows to mark, now in the hands of one statement (a concurrent round adds anew). */
  private takeUnmarked(): Unmarked {
    const taken = this.unmarked;
    this.unmarked = { sent: [], unroutable: [] };
    return taken;
  }

  /** Runs a statement that marks `taken`; when it fails, they are to be marked again. */
  private async marking<R>(taken: Unmarked, statement: RawBuilder<R>): Promise<QueryResult<R>> {
    try {
      return await statement.execute(this.db);
    } catch (error) {
      this.unmarked.sent.push(...taken.sent);
      this.unmarked.unroutable.push(...taken.unroutable);
      throw error;
    }
  }

  /** The envelope and message of each row; rows failing their schema are set apart. */
  private prepare(rows: OutboxRow[]): {
    batch: Prepared[];
    invalid: Array<{ id: string; error: string }>;
  } {
    const invalid: Array<{ id: string; error: string }> = [];
    const batch: Prepared[] = [];
    for (const row of rows) {
      const envelope = {
        id: row.id,
        type: row.type,
        version: row.version,
        time: row.occurred_at.toISOString(),
        source: this.source,
        data: row.data,
      };
      const problems = validateEnvelope(envelope);
      if (problems.length) invalid.push({ id: row.id, error: problems.join('; ') });
      else batch.push({ row, message: this.toMessage(row, envelope) });
    }
    return { batch, invalid };
  }

  /**
   * Publishes the batch, one publish span per row (ended by `mark`, with each row's outcome); on
   * a broker failure the spans end and the rows are released.
   */
  private async publishTraced(
    batch: Prepared[],
  ): Promise<{ results: Array<Error | undefined>; spans: Span[] }> {
    const spans = batch.map(({ row, message }) => {
      const parent = row.traceparent
        ? contextFrom({ traceparent: row.traceparent, tracestate: row.tracestate ?? undefined })
        : ROOT_CONTEXT;
      const span = startPublishSpan(parent, {
        exchange: this.exchange,
        routingKey: message.routingKey,
        messageId: row.id,
        size: message.content.length,
      });
      span.setAttributes(eventIdAttributes(row.data));
      if (!row.traceparent) {
        // Written outside any trace: the publish starts one, and the consumer joins it.
        Object.assign(
          message.properties.headers as object,
          currentTraceContext(trace.setSpan(ROOT_CONTEXT, span)),
        );
      }
      return span;
    });
    let results: Array<Error | undefined>;
    try {
      results = await this.publisher.publishAll(batch.map((b) => b.message));
    } catch (error) {
      spans.forEach((span) => endSpan(span, error));
      await this.release(batch.map((b) => b.row.id));
      throw error;
    }
    // A relay that dies here has published rows it never marks: its lease runs out and they
    // are published again — consumers' inboxes absorb the copy.
    await this.afterPublish?.(batch.map((b) => b.row.id));
    return { results, spans };
  }

  /**
   * Records what became of each row: sent and unrouted ones are marked by the next claim (or
   * `markAlone`), failed ones at once, unconfirmed ones released for the next round.
   */
  private async mark(
    batch: Prepared[],
    results: Array<Error | undefined>,
    spans: Span[],
    invalid: Array<{ id: string; error: string }>,
  ): Promise<{ sent: number; unconfirmed: number }> {
    const sent: string[] = [];
    const unconfirmed: string[] = [];
    const unroutable: string[] = [];
    results.forEach((error, index) => {
      const { row } = batch[index]!;
      if (!error) {
        endSpan(spans[index]!);
        sent.push(row.id);
        this.metrics.published.inc({ type: row.type });
      } else if (error instanceof UnroutableError) {
        // Kept as a fact nobody listens to yet, not a failure (nothing is retried): the span
        // says so without an error status or a recorded exception (its stack trace, mapped
        // through source maps, was the dearest part of publishing such an event).
        endUnroutedSpan(spans[index]!, error.replyText);
        unroutable.push(row.id);
        this.metrics.unrouted.inc({ type: row.type });
        this.warnUnroutedOnce(row.type, error.message);
      } else {
        endSpan(spans[index]!, error);
        unconfirmed.push(row.id);
        this.metrics.publishFailures.inc({ reason: 'unconfirmed' });
      }
    });

    // Sent and unrouted rows are marked with the next claim (one statement for both, whatever
    // the mix), the rest on their own (not one row at a time): a relay that dies before either
    // only leaves rows to be published again when their lease runs out.
    this.unmarked.sent.push(...sent);
    this.unmarked.unroutable.push(...unroutable);
    if (invalid.length) {
      // Cannot happen for rows written by writeEvent unless the catalogue changed since.
      for (const { id, error } of invalid) {
        this.logger.error({ eventId: id, problems: error }, 'outbox event fails its schema');
      }
      await sql`
        update outbox_events o set status = 'failed', last_error = f.error
        from unnest(${invalid.map((i) => i.id)}::uuid[], ${invalid.map((i) => i.error)}::text[])
          as f(id, error)
        where o.id = f.id`.execute(this.db);
    }
    if (unconfirmed.length) await this.release(unconfirmed);
    return { sent: sent.length, unconfirmed: unconfirmed.length };
  }

  private warnUnroutedOnce(type: string, error: string): void {
    if (this.unroutedTypes.has(type)) return;
    this.unroutedTypes.add(type);
    this.logger.warn({ type }, `${error}; such events are kept as unrouted, not retried`);
  }

  /** Gives claimed rows back at once (the broker went away before confirming them). */
  private async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.nextDue = undefined;
    await sql`
      update outbox_events set available_at = now()
      where id = any(${ids}::uuid[]) and status = 'pending'`.execute(this.db);
  }

  private toMessage(
    row: OutboxRow,
    envelope: { id: string; type: string; time: string; version: number },
  ): OutgoingMessage {
    const headers: Record<string, string | number> = { 'x-bazaar-version': row.version };
    if (row.traceparent) headers.traceparent = row.traceparent;
    if (row.tracestate) headers.tracestate = row.tracestate;
    return {
      exchange: this.exchange,
      routingKey: row.type,
      content: Buffer.from(JSON.stringify(envelope)),
      properties: {
        messageId: row.id,
        type: row.type,
        appId: this.source,
        contentType: 'application/json',
        timestamp: Math.floor(Date.parse(envelope.time) / 1000),
        headers,
      },
    };
  }

  /** Deletes sent and unrouted outbox rows past their retention, a bounded batch at a time. */
  prune(): Promise<number> {
    return pruneInBatches(
      this.db,
      (limit) => sql`
        delete from outbox_events where id in (
          select id from outbox_events
          where status in ('sent', 'unrouted') and sent_at < now() - ${this.settings.retentionMs} * interval '1 millisecond'
          limit ${limit})`,
      () => this.stopping.signal.aborted,
    );
  }

  /** Rows written and not yet published: a backlog means the relay or the broker is behind. */
  async backlog(): Promise<number> {
    const { rows } = await sql<{ backlog: number }>`
      select count(*)::int as backlog from outbox_events where status = 'pending'`.execute(this.db);
    return rows[0]?.backlog ?? 0;
  }
}

/**
 * Marks published rows `sent`, and those the broker returned `unrouted`: nobody subscribes to
 * their type (yet); a publish is a fact, not a request, so the row is done; it is kept for the
 * retention, and `republishUnrouted` sends such rows again once a consumer binds their type.
 * Without ids it changes nothing (the claim carries it every round: one statement text).
 */
function markSql(sent: string[], unroutable: string[]): RawBuilder<unknown> {
  return sql`
    update outbox_events o
    set status = case when o.id = any(${unroutable}::uuid[]) then 'unrouted' else 'sent' end,
        sent_at = now(),
        last_error = case when o.id = any(${unroutable}::uuid[])
                          then 'unroutable: no queue bound to ' || o.type
                          else o.last_error end
    where o.id = any(${[...sent, ...unroutable]}::uuid[])`;
}
