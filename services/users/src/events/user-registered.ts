import { writeEvent } from '@bazaar/messaging';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';

/** `user.registered`, written to the outbox in the registration's transaction. */
export async function recordUserRegistered(
  trx: Transaction<Database>,
  data: { userId: string; email: string; name: string },
): Promise<void> {
  await writeEvent(trx, { type: 'user.registered', data });
}
