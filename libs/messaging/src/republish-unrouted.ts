import { sql, type Kysely } from 'kysely';
import type { MessagingTables } from './tables.js';

/**
 * Makes events the broker returned as unrouted pending again, so the relay publishes them (in
 * their original order) now that a consumer binds their type. Only rows still within the outbox
 * retention are there to send. Returns how many rows were made pending.
 */
export async function republishUnrouted<DB extends MessagingTables>(
  db: Kysely<DB>,
  options: { types?: readonly string[] } = {},
): Promise<number> {
  const types = options.types?.length ? [...options.types] : null;
  const result = await sql`
    update outbox_events
    set status = 'pending', available_at = now(), sent_at = null, last_error = null
    where status = 'unrouted' and (${types}::text[] is null or type = any(${types}::text[]))`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}
