import type { Kysely, sql } from 'kysely';
import type { MessagingTables } from './tables.js';

/** Runs a bounded delete until it deletes less than its limit (or `stopped` says so). */
export async function pruneInBatches(
  db: Kysely<MessagingTables>,
  statement: (limit: number) => ReturnType<typeof sql>,
  stopped: () => boolean,
): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await statement(1000).execute(db);
    const deleted = Number(result.numAffectedRows ?? 0);
    total += deleted;
    if (deleted < 1000 || stopped()) return total;
  }
}
