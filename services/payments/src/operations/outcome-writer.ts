import { keepTraceContext } from '@bazaar/telemetry';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { PaymentsContext } from '../domain/context.js';

type Write = (trx: Kysely<Database>) => Promise<unknown>;

interface Waiting {
  write: Write;
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
 * meanwhile into the next one. When a shared transaction fails, its writes are done again one
 * by one, each in its own transaction, so only the failing one fails (its operation is tried
 * again later).
 */
export class OutcomeWriter {
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly ctx: Pick<PaymentsContext, 'log'>,
    private readonly db: Kysely<Database>,
  ) {}

  /** Resolves once the write is committed; rejects when it failed on its own. */
  write(write: Write): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ write, inTrace: keepTraceContext(), resolve, reject });
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
          await this.db.transaction().execute((trx) => item.inTrace(() => item.write(trx)));
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
      await this.db.transaction().execute(async (trx) => {
        for (const item of batch) await item.inTrace(() => item.write(trx));
      });
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
}
