import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * Claims a provider event id for this transaction: true the first time, false when the event
 * was handled before (a replay). A concurrent duplicate waits on the primary key until the
 * first commits, then sees the conflict.
 */
export async function claimWebhookEvent(
  trx: Kysely<Database>,
  event: { provider: string; eventId: string; type: string },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('webhook_events')
    .values({
      provider: event.provider,
      event_id: event.eventId,
      type: event.type,
      outcome: 'received',
    })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function recordWebhookOutcome(
  trx: Kysely<Database>,
  event: { provider: string; eventId: string; paymentId: string | null; outcome: string },
): Promise<void> {
  await trx
    .updateTable('webhook_events')
    .set({ payment_id: event.paymentId, outcome: event.outcome })
    .where('provider', '=', event.provider)
    .where('event_id', '=', event.eventId)
    .execute();
}
