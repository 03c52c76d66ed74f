import { PLAN_EACH_TIME } from '@bazaar/db';
import { traceCarrier, type TraceCarrier } from '@bazaar/telemetry';
import { sql, type Kysely } from 'kysely';
import type { Database, ProviderOperationKind } from './database.js';

export interface ProviderOperation {
  orderId: string;
  operation: ProviderOperationKind;
  request: unknown;
  tries: number;
  /** The trace of the event that asked for it. */
  traceContext: TraceCarrier | null;
}

/**
 * Asks for a provider call, in the consumer's transaction, with the active trace context (the
 * runner makes the call in that trace); a second ask of the same one is a no-op.
 */
export async function requestOperation(
  trx: Kysely<Database>,
  orderId: string,
  operation: ProviderOperationKind,
  request: unknown = {},
): Promise<void> {
  await trx
    .insertInto('provider_operations')
    .values({
      order_id: orderId,
      operation,
      request: JSON.stringify(request),
      trace_context: JSON.stringify(traceCarrier()),
    })
    .onConflict((oc) => oc.columns(['order_id', 'operation']).doNothing())
    .execute();
}

/** Which operation of which order. */
export interface OperationKey {
  orderId: string;
  operation: ProviderOperationKind;
}

interface ClaimedRow {
  order_id: string;
  operation: ProviderOperationKind;
  request: unknown;
  tries: number;
  trace_context: TraceCarrier | null;
  created_at: Date;
}

/** Claimed rows, oldest first. */
function claimed(rows: ClaimedRow[]): ProviderOperation[] {
  return rows
    .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
    .map((row) => ({
      orderId: row.order_id,
      operation: row.operation,
      request: row.request,
      tries: row.tries,
      traceContext: row.trace_context,
    }));
}

/**
 * Claims up to `limit` of the oldest due operations, in one statement of its own (no
 * transaction stays open): each is leased for `leaseMs` (another runner takes it over only
 * after that, e.g. after a crash). Planned at every run (`PLAN_EACH_TIME`): the plan kept from a
 * nearly empty table made each claim visit every waiting row per waiting row, and a backlog of
 * 2,000 drained at 5 a second. An order's operations run one at a time, oldest first (a capture
 * before the void that follows it), and rows another runner is claiming are skipped.
 */
export async function claimOperations(
  db: Kysely<Database>,
  leaseMs: number,
  limit: number,
): Promise<ProviderOperation[]> {
  const { rows } = await sql<ClaimedRow>`${sql.raw(PLAN_EACH_TIME)}
    update provider_operations o
       set not_before = now() + ${leaseMs} * interval '1 millisecond', tries = o.tries + 1
     where (o.order_id, o.operation) in (
       select p.order_id, p.operation from provider_operations p
        where p.done_at is null and p.not_before <= now()
          and not exists (select 1 from provider_operations q
                           where q.order_id = p.order_id and q.done_at is null
                             and q.created_at < p.created_at)
        order by p.created_at
        limit ${limit}
        for update skip locked)
    returning o.order_id, o.operation, o.request, o.tries, o.trace_context, o.created_at`.execute(
    db,
  );
  return claimed(rows);
}

/**
 * {@link claimOperations} for the operations named (the ones the runner heard of): those of
 * them still due and not waiting behind an older operation of their order (an order's first
 * operation not done, oldest first, must be this one). Every row is reached from the keys by
 * the primary key, never through the partial index of due rows: a kept (generic) plan chose that
 * index, whose dead entries (every claim and completion leaves some until a vacuum) made the
 * claim cost more than the general one. A row another runner is claiming waits for that
 * statement, then is no longer due.
 */
export async function claimOperationsByKey(
  db: Kysely<Database>,
  leaseMs: number,
  keys: readonly OperationKey[],
): Promise<ProviderOperation[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<ClaimedRow>`
    update provider_operations o
       set not_before = now() + ${leaseMs} * interval '1 millisecond', tries = o.tries + 1
      from unnest(${keys.map((k) => k.orderId)}::uuid[],
                  ${keys.map((k) => k.operation)}::text[]) as k (order_id, operation)
     where o.order_id = k.order_id and o.operation = k.operation
       and o.done_at is null and o.not_before <= now()
       and o.operation = (select q.operation from provider_operations q
                           where q.order_id = o.order_id
                           order by q.done_at is not null, q.created_at limit 1)
    returning o.order_id, o.operation, o.request, o.tries, o.trace_context, o.created_at`.execute(
    db,
  );
  return claimed(rows);
}

/** An order as the transaction recording its operation's outcome finds it, its lock held. */
export interface OrderNow {
  /** It has a payment. */
  paid: boolean;
  cancelled: boolean;
}

/**
 * Marks operations done and reads their orders as they are now (their locks taken before), in
 * one statement of the transaction that records the outcomes: whether each order has a payment,
 * and whether it was cancelled. Keyed by order id.
 */
export async function completeOperationsReadingOrders(
  trx: Kysely<Database>,
  operations: ReadonlyArray<{ orderId: string; operation: ProviderOperationKind }>,
): Promise<Map<string, OrderNow>> {
  if (operations.length === 0) return new Map();
  const { rows } = await sql<OrderNow & { order_id: string }>`
    with asked as (
      select * from unnest(${operations.map((o) => o.orderId)}::uuid[],
                           ${operations.map((o) => o.operation)}::text[]) as a (order_id, operation)),
    done as (
      update provider_operations o set done_at = now()
        from asked a where o.order_id = a.order_id and o.operation = a.operation)
    select distinct a.order_id::text as order_id,
           exists (select 1 from payments p where p.order_id = a.order_id) as paid,
           exists (select 1 from cancelled_orders c where c.order_id = a.order_id) as cancelled
      from asked a`.execute(trx);
  return new Map(rows.map(({ order_id, ...now }) => [order_id, now]));
}

/** A failed try: tried again after `delayMs`. */
export async function postponeOperation(
  db: Kysely<Database>,
  operation: ProviderOperation,
  delayMs: number,
  error: string,
): Promise<void> {
  await db
    .updateTable('provider_operations')
    .set({ not_before: sql`now() + ${delayMs} * interval '1 millisecond'`, last_error: error })
    .where('order_id', '=', operation.orderId)
    .where('operation', '=', operation.operation)
    .execute();
}

/** Gives claimed operations back at once (what they need could not be read). */
export async function releaseOperations(
  db: Kysely<Database>,
  operations: readonly ProviderOperation[],
): Promise<void> {
  await sql`
    update provider_operations o set not_before = now()
      from unnest(${operations.map((o) => o.orderId)}::uuid[],
                  ${operations.map((o) => o.operation)}::text[]) as r (order_id, operation)
     where o.order_id = r.order_id and o.operation::text = r.operation and o.done_at is null`.execute(
    db,
  );
}

/** Operations not done yet, and the age in seconds of the oldest one (0 when none). */
export async function pendingOperations(
  db: Kysely<Database>,
): Promise<{ count: number; oldestSeconds: number }> {
  const { rows } = await sql<{ count: number; oldest: number | null }>`
    select count(*)::int as count,
           extract(epoch from now() - min(created_at))::float8 as oldest
      from provider_operations where done_at is null`.execute(db);
  return { count: rows[0].count, oldestSeconds: rows[0].oldest ?? 0 };
}
