import type { EventData } from '@bazaar/contracts';
import { writeEvent } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/*
 * Every event users publishes, each written by a function named for the fact it records, to the
 * outbox in the caller's transaction (the relay publishes it after commit).
 */

export async function writeUserRegistered(
  trx: Kysely<Database>,
  data: EventData<'user.registered'>,
): Promise<void> {
  await writeEvent(trx, { type: 'user.registered', data });
}
