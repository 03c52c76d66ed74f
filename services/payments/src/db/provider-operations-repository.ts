import { PLAN_EACH_TIME } from '@bazaar/db';
import { traceCarrier, type TraceCarrier } from '@bazaar/telemetry';
import { inboxInsertFrom, type InboxEntry } from '@bazaar/messaging';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, PaymentMethodRow, ProviderOperationKind } from './database.js';

export interface ProviderOperation {
  orderId: string;
  operation: ProviderOperationKind;
  request: unknown;
  tries: number;
  /** The trace of the event that asked for it. */
  traceContext: TraceCarrier | null;
}

/** An order as the runner finds it when it claims an operation, before it asks the provider. */
export interface OrderBeforeCall {
  /** It has a payment already (authorized meanwhile, or a repeated request). */
  paid: boolean;
  cancelled: boolean;
  /** The payment method an authorization names, if it exists. */
  method: PaymentMethodRow | undefined;
}

/** A claimed operation and its order as the claim found it. */
export interface ClaimedOperation extends ProviderOperation {
  before: OrderBeforeCall;
}

/** One provider call asked for: its key, what it needs, and the trace it runs in. */
export interface OperationAsk extends OperationKey {
  request: unknown;
  /** The trace of the event that asks for it (the runner makes the call in that trace). */
  traceContext: TraceCarrier;
}

/** An operation a request statement asked, and with a lease, the operation as claimed. */
export interface RequestedOperation extends OperationKey {
  /** Inserted leased to the runner of this process ({@link requestOperations}'s `leaseMs`). */
  claimed?: LeasedOperation;
}

/** An operation inserted already claimed, and since when it is leased. */
export interface LeasedOperation {
  operation: ClaimedOperation;
  /**
   * This process's clock (`Date.now()`) before the statement that leased it: its lease ends
   * `leaseMs` after that or later (the database counts from the insert itself).
   */
  leasedAt: number;
}

/**
 * Asks for provider calls, in the consumer's transaction, in one statement (whatever their
 * number: their columns as arrays, `unnest`); a second ask of the same one is a no-op (the
 * primary key). Returns the ones this statement asked (the others were asked before). The keys
 * must be different ones.
 *
 * With `inbox` (one ask only), the same statement writes the consumer's inbox row of the
 * message it applies, only when the call is new (a message handled before fails it): the step
 * of a handler's `alone` form, no transaction around it.
 *
 * With `leaseMs`, each row is inserted already claimed, as a claim would leave it (leased for
 * `leaseMs` from its insert, its first try), and the statement reads what the claim reads
 * (`claimed`; the insert is named so in either case): this process's runner is handed the whole operation once committed
 * and makes no claim of its own. No other runner claims it meanwhile (it is not due); should
 * the hand-over never happen (the process stopped between the commit and it), the row is due
 * again when its lease ends and a poll claims it, as after a crash during a call. Only for an
 * order's first operation (an authorization): the rule that an order's operations run one at a
 * time, oldest first, is the claim's.
 */
export async function requestOperations(
  db: Kysely<Database>,
  asks: readonly OperationAsk[],
  also: { inbox?: InboxEntry; leaseMs?: number } = {},
): Promise<RequestedOperation[]> {
  const { inbox, leaseMs } = also;
  if (inbox && asks.length !== 1) throw new Error('an inbox row goes with one ask only');
  if (asks.length === 0) return [];
  const leased = leaseMs !== undefined;
  const insert = sql`
    insert into provider_operations (order_id, operation, request, trace_context${leased ? sql`, not_before, tries` : sql``})
    select *${leased ? sql`, clock_timestamp() + ${leaseMs} * interval '1 millisecond', 1` : sql``}
      from unnest(${asks.map((a) => a.orderId)}::uuid[],
                  ${asks.map((a) => a.operation)}::text[],
                  ${asks.map((a) => JSON.stringify(a.request))}::jsonb[],
                  ${asks.map((a) => JSON.stringify(a.traceContext))}::jsonb[])
    on conflict (order_id, operation) do nothing
    returning *`;
  const inboxed = inbox ? sql`, inboxed as (${inboxInsertFrom(inbox, 'claimed')})` : sql``;
  if (leased) {
    const leasedAt = Date.now();
    const claimed = await claimReading(db, insert, '', inboxed);
    return claimed.map((operation) => ({
      orderId: operation.orderId,
      operation: operation.operation,
      claimed: { operation, leasedAt },
    }));
  }
  const { rows } = await sql<{ order_id: string; operation: ProviderOperationKind }>`
    with claimed as (${insert})${inboxed}
    select order_id::text as order_id, operation from claimed`.execute(db);
  return rows.map((row) => ({ orderId: row.order_id, operation: row.operation }));
}

/**
 * {@link requestOperations} of one call, in the active trace context. True when this call asked
 * it (false: it was asked before).
 */
export async function requestOperation(
  db: Kysely<Database>,
  orderId: string,
  operation: ProviderOperationKind,
  request: unknown = {},
  inbox?: InboxEntry,
): Promise<boolean> {
  const asked = await requestOperations(
    db,
    [{ orderId, operation, request, traceContext: traceCarrier() }],
    { inbox },
  );
  return asked.length === 1;
}

/** Which operation of which order. */
export interface OperationKey {
  orderId: string;
  operation: ProviderOperationKind;
}

/**
 * Operation keys as rows, `(values ($1::uuid, $2::text), ...)`: one text per number of keys, whose
 * generic plan Postgres keeps after five runs, since it reckons with as many rows as a plan for
 * the values does. Keys as two arrays (`unnest($1::uuid[], $2::text[])`) were reckoned as a
 * hundred rows in the generic plan, which thus always looked dearer: every run was planned again.
 */
function keyRows(keys: readonly OperationKey[]): RawBuilder<unknown> {
  return sql`(values ${sql.join(keys.map((k) => sql`(${k.orderId}::uuid, ${k.operation}::text)`))})`;
}

type ClaimedRow = Omit<PaymentMethodRow, 'id'> & {
  id: string | null;
  op_order_id: string;
  op_operation: ProviderOperationKind;
  op_request: unknown;
  op_tries: number;
  op_trace_context: TraceCarrier | null;
  op_created_at: Date;
  paid: boolean;
  cancelled: boolean;
};

/**
 * Runs a claim (an `update ... returning` of the claimed rows, or an insert of rows leased at
 * once) and reads, in the same statement, each claimed operation's order: whether it has a payment, whether it was cancelled,
 * and the payment method an authorization names (what the runner decides on before it asks the
 * provider; the outcome is written later with the order locked, so this read only saves calls).
 * Oldest first.
 */
async function claimReading(
  db: Kysely<Database>,
  claim: RawBuilder<unknown>,
  prefix = '',
  /** More common table expressions (`, name as (...)`), say an inbox row's insert. */
  more: RawBuilder<unknown> = sql``,
): Promise<ClaimedOperation[]> {
  const { rows } = await sql<ClaimedRow>`${sql.raw(prefix)}
    with claimed as (${claim})${more}
    select m.*, c.order_id::text as op_order_id, c.operation as op_operation,
           c.request as op_request, c.tries as op_tries, c.trace_context as op_trace_context,
           c.created_at as op_created_at,
           exists (select 1 from payments p where p.order_id = c.order_id) as paid,
           exists (select 1 from cancelled_orders x where x.order_id = c.order_id) as cancelled
      from claimed c
      left join payment_methods m
        on c.operation = 'authorize' and m.id = (c.request ->> 'paymentMethodId')::uuid`.execute(
    db,
  );
  return rows
    .sort((a, b) => a.op_created_at.getTime() - b.op_created_at.getTime())
    .map(({ op_order_id, op_operation, op_request, op_tries, op_trace_context, ...rest }) => {
      const { op_created_at: _createdAt, paid, cancelled, ...method } = rest;
      return {
        orderId: op_order_id,
        operation: op_operation,
        request: op_request,
        tries: op_tries,
        traceContext: op_trace_context,
        before: {
          paid,
          cancelled,
          method:
            method.id === null ? undefined : ({ ...method, id: method.id } as PaymentMethodRow),
        },
      };
    });
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
): Promise<ClaimedOperation[]> {
  return claimReading(
    db,
    sql`update provider_operations o
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
        returning o.*`,
    PLAN_EACH_TIME,
  );
}

/**
 * {@link claimOperations} for the operations named (the ones the runner heard of): those of
 * them still due and not waiting behind an older operation of their order (an order's first
 * operation not done, oldest first, must be this one). Every row is reached from the keys by
 * the primary key, never through the partial index of due rows: a kept (generic) plan chose that
 * index, whose dead entries (every claim and completion leaves some until a vacuum) made the
 * claim cost more than the general one. Its due test is therefore one `(...) is true`
 * expression, which no index condition can use: the plan Postgres keeps (the keys are
 * {@link keyRows}) reads each row by its key, then tests it. A row another runner is claiming
 * waits for that statement, then is no longer due.
 */
export async function claimOperationsByKey(
  db: Kysely<Database>,
  leaseMs: number,
  keys: readonly OperationKey[],
): Promise<ClaimedOperation[]> {
  if (keys.length === 0) return [];
  return claimReading(
    db,
    sql`update provider_operations o
           set not_before = now() + ${leaseMs} * interval '1 millisecond', tries = o.tries + 1
          from ${keyRows(keys)} as k (order_id, operation)
         where o.order_id = k.order_id and o.operation = k.operation
           and (o.done_at is null and o.not_before <= now()) is true
           and o.operation = (select q.operation from provider_operations q
                               where q.order_id = o.order_id
                               order by q.done_at is not null, q.created_at limit 1)
        returning o.*`,
  );
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
      select * from ${keyRows(operations)} as a (order_id, operation)),
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

/**
 * Deletes operations done more than `retentionMs` ago, `batchSize` at a time (each batch a
 * statement of its own, so no lock is held long), until fewer than a batch are left or
 * `maxBatches` ran (the next run goes on). Rows another statement holds are skipped. Returns how
 * many were deleted.
 */
export async function pruneDoneOperations(
  db: Kysely<Database>,
  options: { retentionMs: number; batchSize: number; maxBatches: number },
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const result = await sql`
      delete from provider_operations where (order_id, operation) in (
        select order_id, operation from provider_operations
         where done_at < now() - ${options.retentionMs} * interval '1 millisecond'
         limit ${options.batchSize}
         for update skip locked)`.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0);
    total += deleted;
    if (deleted < options.batchSize) break;
  }
  return total;
}
