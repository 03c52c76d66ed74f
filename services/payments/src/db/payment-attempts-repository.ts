import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database, NewPaymentAttempt, PaymentAttemptRow } from './database.js';

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
