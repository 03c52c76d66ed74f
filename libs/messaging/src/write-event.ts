import { validateEnvelope, type EventData, type EventType, Events } from '@bazaar/contracts';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { MessagingTables } from './tables.js';
import { currentTraceContext, type TraceCarrier } from './tracing.js';

/** An event to write to the outbox: its type and data, and optionally its id and time. */
export interface OutboxEvent<T extends EventType = EventType> {
  type: T;
  data: EventData<T>;
  /** UUIDv7; minted when absent. */
  id?: string;
  /** When the fact happened (ISO 8601); now when absent. */
  time?: string;
  /**
   * The trace context the event carries; the active one when absent. For events of several
   * traces written together (see {@link OutboxBatch}), each keeps its own.
   */
  trace?: TraceCarrier;
}

/** The event is not valid against the catalogue of `@bazaar/contracts`. */
export class InvalidEventError extends Error {
  constructor(
    readonly type: string,
    readonly problems: string[],
  ) {
    super(`invalid ${type} event: ${problems.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

/**
 * Writes an event to the service's outbox in the caller's transaction, with the active trace
 * context; the relay publishes it after the transaction commits — never when it rolls back.
 * Validated against the catalogue first, so a bad event fails the change that caused it.
 * Returns the message id.
 */
export async function writeEvent<T extends EventType>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema
  trx: Kysely<any>,
  event: OutboxEvent<T>,
): Promise<string> {
  const [id] = await writeEvents(trx, [event]);
  return id!;
}

// Rows per insert statement: 7 parameters a row stays well under Postgres's 65,535.
const ROWS_PER_INSERT = 1000;

/** An outbox row as {@link toOutboxRows} builds it: the values of one `outbox_events` insert. */
export interface OutboxRow {
  id: string;
  type: string;
  version: number;
  occurred_at: string;
  /** The event's data as JSON text (a `jsonb` parameter). */
  data: string;
  traceparent: string | null;
  tracestate: string | null;
}

/** An outbox row without its data: see {@link outboxRowShell}. */
export type OutboxRowShell = Omit<OutboxRow, 'data'>;

/**
 * The outbox row of an event, all but its data (id, version, time, the active trace context):
 * for a statement that builds the data itself from the rows it changes and inserts the row with
 * them (one round trip). Check what it wrote with {@link checkWrittenEvent}.
 */
export function outboxRowShell(
  event: Pick<OutboxEvent, 'type' | 'id' | 'time'>,
  trace: { traceparent?: string; tracestate?: string } = currentTraceContext(),
): OutboxRowShell {
  return {
    id: event.id ?? uuidv7(),
    type: event.type,
    version: Events[event.type]?.current ?? 1,
    occurred_at: event.time ?? new Date().toISOString(),
    traceparent: trace.traceparent ?? null,
    tracestate: trace.tracestate ?? null,
  };
}

/**
 * Checks an event's data against the catalogue; `InvalidEventError` when it fails. For data a
 * statement wrote to the outbox (see {@link outboxRowShell}): thrown in the writing transaction,
 * it rolls the change and its event back, as {@link writeEvent} would have refused them.
 */
export function checkWrittenEvent(row: OutboxRowShell, data: unknown): void {
  const problems = validateEnvelope({
    id: row.id,
    type: row.type,
    version: row.version,
    time: row.occurred_at,
    source: 'outbox',
    data,
  });
  if (problems.length) throw new InvalidEventError(row.type, problems);
}

/**
 * The outbox rows of these events, validated against the catalogue and carrying each its trace
 * context (its own, or the active one), as {@link writeEvents} inserts them: for a service that
 * writes its outbox row inside a statement of its own (one round trip for the change and its
 * event). Throws `InvalidEventError` for an invalid event, so the change fails before anything
 * is sent.
 */
export function toOutboxRows(events: readonly OutboxEvent[]): OutboxRow[] {
  let active: TraceCarrier | undefined;
  return events.map((event) => {
    const row = outboxRowShell(event, event.trace ?? (active ??= currentTraceContext()));
    checkWrittenEvent(row, event.data);
    return { ...row, data: JSON.stringify(event.data) };
  });
}

/**
 * {@link writeEvent} for many events at once (a bulk import, a seed, the outcomes of several
 * orders): the same validation, each event with its trace context (its own, or the active one),
 * written in multi-row inserts. Returns the message ids, in order.
 */
export async function writeEvents(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema
  trx: Kysely<any>,
  events: readonly OutboxEvent[],
): Promise<string[]> {
  const rows = toOutboxRows(events);
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await (trx as unknown as Kysely<MessagingTables>)
      .insertInto('outbox_events')
      .values(rows.slice(start, start + ROWS_PER_INSERT))
      .execute();
  }
  return rows.map((row) => row.id);
}

/**
 * The events of a transaction that makes several changes, each in a trace of its own (the
 * outcomes of several orders): each is added in its change's trace and keeps that trace context,
 * and all are written at the end in one insert ({@link writeEvents}), before the commit. An
 * invalid event makes `write` throw, so the transaction fails as {@link writeEvent} would have
 * made it fail.
 */
export class OutboxBatch {
  private readonly events: OutboxEvent[] = [];

  /** Adds an event with the active trace context (unless it names its own). */
  add<T extends EventType>(event: OutboxEvent<T>): void {
    this.events.push({ ...event, trace: event.trace ?? currentTraceContext() });
  }

  /** Writes the events added so far to the outbox, in the transaction; returns their ids. */
  async write(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema
    trx: Kysely<any>,
  ): Promise<string[]> {
    const events = this.events.splice(0);
    return events.length === 0 ? [] : writeEvents(trx, events);
  }

  /**
   * The events added so far as outbox rows ({@link toOutboxRows}: validated, with their trace
   * contexts), taken out of the batch, for a service that inserts them in a statement of its own
   * (with its change, one round trip). Throws `InvalidEventError` as `write` would.
   */
  takeRows(): OutboxRow[] {
    return toOutboxRows(this.events.splice(0));
  }
}

/**
 * `row` (built and checked beforehand: {@link toOutboxRows}) as an INSERT to put in a service's
 * own statement (a data-modifying CTE), so its change and its event are one round trip: written
 * once for each row of `source` (a CTE of the same statement), and only where its boolean column
 * `when` is true, when given — nothing is published when nothing changed.
 */
export function outboxInsertFrom(
  row: OutboxRow,
  source: string,
  when?: string,
): RawBuilder<unknown> {
  return sql`insert into outbox_events (id, type, version, occurred_at, data, traceparent, tracestate)
    select ${row.id}::uuid, ${row.type}, ${row.version}::int, ${row.occurred_at}::timestamptz,
           ${row.data}::jsonb, ${row.traceparent}, ${row.tracestate}
      from ${sql.table(source)}${when ? sql` where ${sql.ref(when)}` : sql``}`;
}
