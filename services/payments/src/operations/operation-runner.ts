import { watchCommits } from '@bazaar/db';
import { backoffStep } from '@bazaar/http-client/backoff';
import { inTraceOf } from '@bazaar/telemetry';
import type { Kysely } from 'kysely';
import { NotificationListener } from '@bazaar/messaging';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import {
  claimOperations,
  claimOperationsByKey,
  pendingOperations,
  postponeOperation,
  type ClaimedOperation,
  type LeasedOperation,
  type OperationKey,
} from '../db/provider-operations-repository.js';
import { planAuthorization, type AuthorizationRequest } from '../domain/authorize-payment.js';
import { planCapture } from '../domain/capture-payment.js';
import type { PaymentsContext } from '../domain/context.js';
import type { OperationHandOff, OperationPlan } from '../domain/provider-operation.js';
import { planRelease } from '../domain/release-payment.js';
import { OutcomeWriter } from './outcome-writer.js';

/**
 * The channel a `provider_operations` insert notifies at commit, with its key, unless the
 * session's process hands its operations to its own runner (`bazaar.wakes`).
 */
const CHANNEL = 'payments_operations';

/** Most operations heard of and not claimed yet that are kept by key; beyond, the poll's claim. */
const MAX_HEARD = 10_000;

const OPERATIONS = new Set(['authorize', 'capture', 'release']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A notification's payload (`<order id> <operation>`) as a key; undefined when it is not one. */
function keyOf(payload: string | undefined): OperationKey | undefined {
  const [orderId, operation] = (payload ?? '').split(' ');
  return orderId && UUID.test(orderId) && operation && OPERATIONS.has(operation)
    ? { orderId, operation: operation as OperationKey['operation'] }
    : undefined;
}

export interface OperationRunnerOptions {
  databaseUrl: string;
  /** Provider calls in flight at once. */
  concurrency: number;
  /** A claimed operation is taken over by another runner after this long (a crashed one). */
  leaseMs: number;
  /** Look for due operations at least this often (retries, a missed notification). */
  pollMs: number;
}

export interface OperationRunner extends OperationHandOff {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Operations being run now. */
  readonly active: number;
}

/** The pause before a failed capture or release is tried again: doubling, at most a minute. */
function retryDelay(tries: number, backoffMs: number): number {
  return backoffStep(tries, Math.max(100, backoffMs), 60_000);
}

/**
 * Makes the provider calls consumers asked for, outside their transactions: a consumer commits
 * a `provider_operations` row (with its inbox row, so a redelivered message asks nothing new),
 * acknowledges at once, and hands the row's key to this runner once committed (`take`); the
 * process's sessions send no NOTIFY for their rows (`bazaar.wakes`, set while the runner runs:
 * `watchCommits`), so a hand-off costs neither a notification nor a round trip. An
 * authorization (an order's first operation) is even inserted already claimed for this runner
 * while it runs (`leaseMs`) and handed over whole (`takeClaimed`): it runs with no claim at all,
 * and should the process stop before handing it over, a poll claims it once its lease ends. A
 * row committed by any other session (another replica, a tool) still notifies its key (`<order
 * id> <operation>`) to every runner listening. The runner claims as many of the keys it was handed
 * or heard of as it has room for in one statement (by key: an index lookup each) that also
 * reads what each needs, calls the provider with no connection held (timeout and retries per
 * try), then writes the outcome and marks the row done in one short transaction, shared with
 * the outcomes that are ready at the same time ({@link OutcomeWriter}); an operation that
 * outcome asks for (a release) is handed over after its commit too. A crash anywhere leaves the
 * row to be claimed again after its lease; the provider's idempotency keys make the repeated
 * call the same operation, and the outcome is written only if it is not there yet. So a slow
 * provider costs waiting promises here, never pooled connections. The general claim (the oldest
 * due rows, planned at every run) runs on the poll, after a reconnection of the listener and
 * while the runner is full: it finds retries, rows whose notification was missed, rows
 * committed but never handed over (the process stopped in between), and what waited.
 * Operations handed over while this runner is full wait here for room (another replica's poll
 * may take them first).
 */
export function createOperationRunner(
  ctx: PaymentsContext,
  db: Kysely<Database>,
  options: OperationRunnerOptions,
): OperationRunner {
  let active = 0;
  let stopped = true;
  let draining = false;
  let again = false;
  /**
   * Due operations may be waiting that no notification named (the poll's turn, the listener
   * reconnected, the last general claim filled the room): the next drain runs the general claim.
   */
  let general = false;
  /** Operations handed over or heard of (NOTIFY), not claimed yet, by `<order id> <operation>`. */
  const heard = new Map<string, OperationKey>();
  /**
   * Operations handed over already claimed (inserted leased), waiting for room, oldest first,
   * each until it would start with less than a lease left: later, the poll after its lease.
   */
  const handed: Array<{ operation: ClaimedOperation; until: number }> = [];
  let waking = false;
  let poll: NodeJS.Timeout | undefined;
  let listener: NotificationListener | undefined;
  let unwatch: (() => void) | undefined;
  const running = new Set<Promise<void>>();

  const writer = new OutcomeWriter(ctx, db, (key) => take(key));

  /**
   * Claims `key` soon (the general claim when there is none or too many wait): in the next
   * microtask, so that the keys handed over or heard of in this turn (a consumer's batch) are
   * claimed together, in one statement.
   */
  function hear(key: OperationKey | undefined): void {
    if (key && heard.size < MAX_HEARD) heard.set(`${key.orderId} ${key.operation}`, key);
    else general = true;
    wake();
  }

  /** Drains in the next microtask (see {@link hear}). */
  function wake(): void {
    if (waking) return;
    waking = true;
    queueMicrotask(() => {
      waking = false;
      void drain();
    });
  }

  /** An operation this process committed. Stopped, it is left to the polls (its next start's too). */
  function take(key: OperationKey): void {
    if (!stopped) hear(key);
  }

  /**
   * An operation this process committed already claimed for this runner, for twice the lease
   * (`leaseMs` below): run with no claim when it starts within one lease of its insert, so that
   * a whole lease is left, as a claim leaves; later, it waits for the poll after its lease.
   */
  function takeClaimed({ operation, leasedAt }: LeasedOperation): void {
    if (stopped || handed.length >= MAX_HEARD) return;
    handed.push({ operation, until: leasedAt + options.leaseMs });
    wake();
  }

  async function plan(operation: ClaimedOperation): Promise<OperationPlan<unknown>> {
    const { orderId } = operation;
    if (operation.operation === 'authorize') {
      const request = operation.request as AuthorizationRequest;
      return planAuthorization(ctx, request, operation.before) as OperationPlan<unknown>;
    }
    if (operation.operation === 'capture') return planCapture(ctx, db, orderId);
    return planRelease(ctx, db, orderId);
  }

  /** The provider call with no transaction open, then the outcome with others'. */
  async function call(operation: ClaimedOperation): Promise<void> {
    const planned = await plan(operation);
    const result = await planned.call();
    await writer.write((trx, order, batch) => planned.write(trx, result, order!, batch), operation);
  }

  async function run(operation: ClaimedOperation): Promise<void> {
    const { orderId } = operation;
    try {
      // In the trace of the event that asked for it: the outcome's event continues that trace.
      await inTraceOf(
        operation.traceContext,
        `payments.provider ${operation.operation}`,
        { 'order.id': orderId, 'payments.provider.try': operation.tries },
        () => call(operation),
      );
    } catch (error) {
      const delay = retryDelay(operation.tries, ctx.retry.backoffMs);
      ctx.log.warn(
        { err: error, orderId, operation: operation.operation, tries: operation.tries, delay },
        'provider operation failed; trying again later',
      );
      await postponeOperation(db, operation, delay, String(error)).catch(() => undefined);
    }
  }

  async function drain(): Promise<void> {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        while (!stopped) {
          const room = options.concurrency - active;
          // Full: a finishing operation drains again.
          if (room <= 0) break;
          // As many as there is room for, in one statement: first the ones heard of, by key.
          // Each with its order as the claim read it (one statement).
          let operations: ClaimedOperation[];
          if (handed.length > 0) {
            // Claimed by their insert: no statement. One that waited too long (less than a lease
            // left) is left to the poll that claims it when its lease ends.
            const now = Date.now();
            operations = handed
              .splice(0, room)
              .filter(({ until }) => until > now)
              .map(({ operation }) => operation);
            if (operations.length === 0) continue;
          } else if (heard.size > 0) {
            const keys: OperationKey[] = [];
            for (const [id, key] of heard) {
              if (keys.length === room) break;
              keys.push(key);
              heard.delete(id);
            }
            operations = await claimOperationsByKey(db, options.leaseMs, keys);
            // Not due, behind an older one of its order, or claimed elsewhere: the poll's.
            if (operations.length === 0) continue;
          } else if (general) {
            general = false;
            operations = await claimOperations(db, options.leaseMs, room);
            general = operations.length === room;
            if (operations.length === 0) break;
          } else break;
          for (const operation of operations) {
            active += 1;
            const done = run(operation).finally(() => {
              active -= 1;
              running.delete(done);
              if (general || heard.size > 0 || handed.length > 0) void drain();
            });
            running.add(done);
          }
        }
      } while (again && !stopped);
    } catch (error) {
      ctx.log.warn({ err: error }, 'provider operations could not be claimed');
    } finally {
      draining = false;
    }
  }

  return {
    get active() {
      return active;
    },
    get leaseMs() {
      return stopped ? undefined : 2 * options.leaseMs;
    },
    take,
    takeClaimed,
    async start() {
      if (!stopped) return;
      stopped = false;
      const claimAll = () => {
        general = true;
        void drain();
      };
      poll = setInterval(claimAll, options.pollMs);
      // This process's sessions need not notify: what they commit is handed over (`take`) by
      // their writers, keys and all.
      unwatch = watchCommits(db, 'provider_operations');
      listener = new NotificationListener({
        url: options.databaseUrl,
        channel: CHANNEL,
        applicationName: 'payments-operations-listener',
        name: 'provider operations listener',
        logger: ctx.log,
        onNotify: (payload) => hear(keyOf(payload)),
        // Operations may have been written while not listening.
        onListening: claimAll,
      });
      await listener.start();
    },
    async stop() {
      stopped = true;
      // Their leases end, then a poll (this process's next start, another replica) claims them.
      handed.length = 0;
      clearInterval(poll);
      // Rows this process commits from now on notify again, for the other replicas' runners.
      unwatch?.();
      unwatch = undefined;
      await listener?.stop();
      listener = undefined;
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * `payments_provider_operations_pending` and `payments_provider_operations_oldest_seconds`,
 * counted in the database when scraped: a provider that keeps refusing shows as an old row.
 */
export function registerOperationMetrics(registry: Registry, db: Kysely<Database>): void {
  let last: Promise<{ count: number; oldestSeconds: number }> | undefined;
  // One query per scrape for both series.
  const read = () =>
    (last ??= pendingOperations(db).finally(() => setTimeout(() => (last = undefined), 0)));
  new Gauge({
    name: 'payments_provider_operations_pending',
    help: 'Provider calls asked for and not done yet (authorizations, captures, releases)',
    registers: [registry],
    async collect() {
      try {
        this.set((await read()).count);
      } catch {
        this.reset();
      }
    },
  });
  new Gauge({
    name: 'payments_provider_operations_oldest_seconds',
    help: 'Age of the oldest provider call not done yet',
    registers: [registry],
    async collect() {
      try {
        this.set((await read()).oldestSeconds);
      } catch {
        this.reset();
      }
    },
  });
}
