import { Events, validateEnvelope } from '@bazaar/contracts';
import { InvalidEventError, OUTBOX_TABLE } from '@bazaar/messaging';
import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/database.js';
import type { ProductDocument } from '../domain/product.js';

/**
 * `product.created` for thousands of products in one statement, for the seed only. It writes
 * the rows `writeEvent` of `@bazaar/messaging` would write (same table, same validation against
 * the catalogue; no trace context, a command line has none), but as one `unnest` insert instead
 * of one insert per event: 100,000 single-row inserts alone take longer than the seed's minute.
 * Service code always uses `writeEvent`.
 */
export async function writeProductCreatedEvents(
  trx: Kysely<Database>,
  documents: readonly ProductDocument[],
): Promise<void> {
  if (documents.length === 0) return;
  const type = 'product.created';
  const version = Events[type].current;
  const time = new Date().toISOString();
  const ids: string[] = [];
  const data: string[] = [];
  for (const product of documents) {
    const id = uuidv7();
    const problems = validateEnvelope({
      id,
      type,
      version,
      time,
      source: 'outbox',
      data: { product },
    });
    if (problems.length) throw new InvalidEventError(type, problems);
    ids.push(id);
    data.push(JSON.stringify({ product }));
  }
  await sql`
    insert into ${sql.table(OUTBOX_TABLE)} (id, type, version, occurred_at, data)
    select id, ${type}, ${version}, ${time}::timestamptz, data
      from unnest(${ids}::uuid[], ${data}::jsonb[]) as e(id, data)`.execute(trx);
}
