import { sql, type Kysely } from 'kysely';

/**
 * One event a service wrote to its outbox (`outbox_events`, from `@bazaar/messaging`); `data`
 * loosely typed by default, as tests read into it freely.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface OutboxRow<Data = any> {
  id: string;
  type: string;
  data: Data;
  status: string;
}

export interface OutboxQuery {
  /** Only events of this type (or these types). */
  type?: string | string[];
  /** Only events whose data contains these fields, e.g. `{ orderId }` for one aggregate. */
  data?: Record<string, unknown>;
}

/**
 * The events a service wrote to its outbox so far, oldest first, of some types and about one
 * aggregate when asked: `outboxRows(db, { type: 'order.cancelled', data: { orderId } })`. What
 * the service committed, whether or not the relay has published it yet.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function outboxRows<Data = any, DB = unknown>(
  db: Kysely<DB>,
  query: OutboxQuery = {},
): Promise<OutboxRow<Data>[]> {
  const types = query.type === undefined ? [] : [query.type].flat();
  const { rows } = await sql<OutboxRow<Data>>`
    select id, type, data, status from outbox_events
     where (cardinality(${types}::text[]) = 0 or type = any(${types}::text[]))
       and data @> ${JSON.stringify(query.data ?? {})}::jsonb
     order by position`.execute(db);
  return rows;
}
