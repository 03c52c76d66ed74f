import { OutboxBatch } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  insertPaymentsWithAttempts,
  type NewPaymentWithAttempts,
} from '../db/payments-repository.js';
import { requestOperation, type OperationKey } from '../db/provider-operations-repository.js';

/**
 * What the outcomes of a transaction's provider operations insert, gathered and written at its
 * end in one statement: the new payments with their ledger rows, and the events (each with the
 * trace of the operation it was added in). The operations an outcome needs next (a release) are
 * asked for at once, their keys kept for the runner once the transaction committed. An outcome
 * reads nothing of what another one adds: an order's operations run one at a time, so two
 * outcomes never touch one order.
 */
export class OutcomeBatch {
  readonly events = new OutboxBatch();
  private readonly payments: NewPaymentWithAttempts[] = [];
  /** The operations asked for in the transaction, for the runner once it committed. */
  readonly operations: OperationKey[] = [];

  addPayment(payment: NewPaymentWithAttempts): void {
    this.payments.push(payment);
  }

  /** Asks for a provider operation in the transaction (at once: the order's lock is held). */
  async requestOperation(trx: Kysely<Database>, key: OperationKey): Promise<void> {
    await requestOperation(trx, key.orderId, key.operation);
    this.operations.push(key);
  }

  /** Inserts what was added, in the transaction: one statement for all of it. */
  async write(trx: Kysely<Database>): Promise<void> {
    await insertPaymentsWithAttempts(trx, this.payments.splice(0), this.events.takeRows());
  }
}
