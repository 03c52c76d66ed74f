/**
 * Sends again the events a service's outbox kept as unrouted (no queue was bound to their type):
 *   DATABASE_URL=postgres://.../bazaar_orders node --conditions=@bazaar/source --import tsx \
 *     libs/messaging/scripts/republish-unrouted.ts [type ...]
 * e.g. `order.confirmed` once a consumer of it is deployed. Without types, every unrouted row.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { republishUnrouted, type MessagingTables } from '../src/index.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is required (the database of the service whose outbox)\n');
  process.exit(2);
}
const types = process.argv.slice(2).filter((a) => a !== '--');
const db = new Kysely<MessagingTables>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
});
try {
  const count = await republishUnrouted(db, { types });
  process.stdout.write(
    `${count} unrouted event(s) ${types.length ? `of ${types.join(', ')} ` : ''}made pending; the service's relay publishes them\n`,
  );
} finally {
  await db.destroy();
}
