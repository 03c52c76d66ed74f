import { OutboxBatch } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  insertPaymentsWithAttempts,
  type NewPaymentWithAttempts,
} from '../db/payments-repository.js';

/**
 * What the outcomes of a transaction's provider operations insert, gathered and written at its
 * end in one statement: the new payments with their ledger rows, and the events (each with the
 * trace of the operation it was added in). An outcome reads nothing of what another one
 * adds: an order's operations run one at a time, so two outcomes never touch one order.
 */
export class OutcomeBatch {
  readonly events = new OutboxBatch();
  private readonly payments: NewPaymentWithAttempts[] = [];

  addPayment(payment: NewPaymentWithAttempts): void {
    this.payments.push(payment);
  }

  /** Inserts what was added, in the transaction: one statement for all of it. */
  async write(trx: Kysely<Database>): Promise<void> {
    await insertPaymentsWithAttempts(trx, this.payments.splice(0), this.events.takeRows());
  }
}
