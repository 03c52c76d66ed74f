import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database, NewPaymentAttempt, PaymentAttemptRow } from './database.js';

/** Several ledger rows in one statement (their ids in the list's order). */
export async function insertAttempts(
  trx: Kysely<Database>,
  attempts: ReadonlyArray<Omit<NewPaymentAttempt, 'id'>>,
): Promise<void> {
  if (attempts.length === 0) return;
  await trx
    .insertInto('payment_attempts')
    .values(attempts.map((attempt) => ({ id: uuidv7(), ...attempt })))
    .execute();
}

export async function insertAttempt(
  trx: Kysely<Database>,
  attempt: Omit<NewPaymentAttempt, 'id'>,
): Promise<void> {
  await trx
    .insertInto('payment_attempts')
    .values({ id: uuidv7(), ...attempt })
    .execute();
}

/** The attempts of some payments, oldest first (ids are UUIDv7, so they sort by time). */
export async function listAttempts(
  db: Kysely<Database>,
  paymentIds: string[],
): Promise<PaymentAttemptRow[]> {
  if (paymentIds.length === 0) return [];
  return db
    .selectFrom('payment_attempts')
    .selectAll()
    .where('payment_id', 'in', paymentIds)
    .orderBy('payment_id')
    .orderBy('id')
    .execute();
}
