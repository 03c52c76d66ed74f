/**
 * Sends again the events a service's outbox kept as unrouted (no queue was bound to their type):
 *   DATABASE_URL=postgres://.../bazaar_orders pnpm --filter @bazaar/messaging republish-unrouted -- [type ...]
 * e.g. `order.confirmed` once a consumer of it is deployed. Without types, every unrouted row.
 */
import { commandLine, oneOf, UsageError } from '@bazaar/cli';
import { Events, type EventType } from '@bazaar/contracts';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { republishUnrouted, type MessagingTables } from '../src/index.js';

const EVENT_TYPES = Object.keys(Events) as EventType[];
const { url, types } = commandLine(
  {
    name: 'republish-unrouted',
    command:
      'DATABASE_URL=postgres://.../bazaar_<service> pnpm --filter @bazaar/messaging republish-unrouted --',
    summary:
      "Makes the events a service's outbox kept as unrouted (no queue was bound to their type) " +
      "pending again; that service's relay then publishes them. DATABASE_URL: the service's database.",
    positionals: [
      {
        name: 'type',
        variadic: true,
        description: 'only events of these types (default: every unrouted row)',
      },
    ],
  },
  ({ positionals }) => {
    const types = positionals.map((type) => oneOf('type', type, EVENT_TYPES));
    const url = process.env.DATABASE_URL;
    if (!url)
      throw new UsageError(
        'DATABASE_URL is required (the database of the service whose outbox to read)',
      );
    return { url, types };
  },
);
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
