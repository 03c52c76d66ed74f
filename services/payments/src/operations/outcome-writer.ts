import { keepTraceContext } from '@bazaar/telemetry';
import type { Kysely } from 'kysely';
import type { Database, ProviderOperationKind } from '../db/database.js';
import { lockOrders } from '../db/payments-repository.js';
import {
  completeOperationsReadingOrders,
  type OperationKey,
  type OrderNow,
} from '../db/provider-operations-repository.js';
import type { PaymentsContext } from '../domain/context.js';
import { OutcomeBatch } from '../domain/outcome-batch.js';

/**
 * Writes one outcome; `order` is its order as found once locked (when the operation is named);
 * its new payment and its events go to `batch`, written with the transaction's others.
 */
type Write = (
  trx: Kysely<Database>,
  order: OrderNow | undefined,
  batch: OutcomeBatch,
) => Promise<unknown>;

/** The provider operation an outcome belongs to. */
export interface OperationRef {
  orderId: string;
  operation: ProviderOperationKind;
}

interface Waiting {
  write: Write;
  operation: OperationRef | undefined;
  /** Runs work in the trace of the operation. */
  inTrace: ReturnType<typeof keepTraceContext>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Most outcomes written in one transaction. */
const MAX_BATCH = 32;

/**
 * Writes the outcomes of provider operations, several in one transaction: what is waiting when
 * a transaction starts goes into it (each write in the trace of its operation), and what arrives
 * meanwhile into the next one. The operations' orders are locked (one statement, in id order),
 * then their operations marked done and the orders read as they are now (one more), for the
 * whole transaction; each write gets its order. The writes' new payments and events (each event
 * in the trace of its operation) are inserted together at the end, one statement each. When a
 * shared transaction fails, its writes are done again one by one, each in its own transaction,
 * so only the failing one fails (its operation is tried again later). The operations the
 * outcomes asked for go to `asked` once committed.
 */
export class OutcomeWriter {
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly ctx: Pick<PaymentsContext, 'log'>,
    private readonly db: Kysely<Database>,
    /** Gets each operation the outcomes asked for (a release), once their transaction committed. */
    private readonly asked: (key: OperationKey) => void = () => undefined,
  ) {}

  /**
   * Resolves once the write is committed; rejects when it failed on its own. With `operation`,
   * the order is locked and the operation marked done in the same transaction, before the write.
   */
  write(write: Write, operation?: OperationRef): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ write, operation, inTrace: keepTraceContext(), resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    // The outcomes that arrive in this turn of the event loop join the first transaction.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      if (batch.length > 1 && (await this.together(batch))) continue;
      for (const item of batch) {
        try {
          await this.transact([item]);
          item.resolve();
        } catch (error) {
          item.reject(error);
        }
      }
    }
    this.flushing = false;
  }

  private async together(batch: Waiting[]): Promise<boolean> {
    try {
      await this.transact(batch);
    } catch (error) {
      this.ctx.log.warn(
        { err: error, outcomes: batch.length },
        'outcomes could not be written together; writing them one by one',
      );
      return false;
    }
    for (const item of batch) item.resolve();
    return true;
  }

  private async transact(batch: Waiting[]): Promise<void> {
    const outcomes = new OutcomeBatch();
    await this.db.transaction().execute(async (trx) => {
      const operations = batch.flatMap((item) => (item.operation ? [item.operation] : []));
      await lockOrders(
        trx,
        operations.map((o) => o.orderId),
      );
      const orders = await completeOperationsReadingOrders(trx, operations);
      for (const item of batch) {
        const order = item.operation && orders.get(item.operation.orderId);
        await item.inTrace(() => item.write(trx, order, outcomes));
      }
      await outcomes.write(trx);
    });
    for (const key of outcomes.operations) this.asked(key);
  }
}
