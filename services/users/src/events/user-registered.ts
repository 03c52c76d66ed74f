import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';

/** `user.registered`, written to the outbox in the registration's transaction. */
export async function recordUserRegistered(
  _trx: Transaction<Database>,
  _data: { userId: string; email: string; name: string },
): Promise<void> {
  // Wired to @bazaar/messaging's writeEvent once that library has landed.
}
