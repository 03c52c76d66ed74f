import { sql, type Kysely } from 'kysely';
import { eventually } from '@bazaar/testing';
import { writeEvent, type Messaging } from '../src/index.js';
import { rabbitmqctl } from '../src/testing.js';
import { recordEffect, type TestDatabase, userRegistered, useTestbed } from './support.js';

/*
 * Stops and starts the shared RabbitMQ: run alone (`jest -c jest.disruptive.config.cjs`), after
 * every other test. The outage is kept to a few seconds and the broker is always started again.
 * `TEST_AMQP_URL` and `TEST_RABBITMQ_NODE` point it at another node (a private one in development).
 */

const QUEUE = 'restart.users';
const TOTAL = 2000;
const PER_TRANSACTION = 20;

async function count(db: Kysely<TestDatabase>, query: ReturnType<typeof sql<{ n: number }>>) {
  return (await query.execute(db)).rows[0]!.n;
}

describe('broker restart', () => {
  const bed = useTestbed('restart');
  let messaging: Messaging<TestDatabase>;

  beforeAll(async () => {
    messaging = bed.messaging({ service: 'restart' });
    messaging.subscribe(QUEUE, { 'user.registered': recordEffect(QUEUE) });
    await messaging.start();
  });

  it('when the broker stops and starts while 2,000 events are written, then all 2,000 are consumed once and none is lost', async () => {
    let written = 0;
    const writing = (async () => {
      while (written < TOTAL) {
        await bed.db.transaction().execute(async (trx) => {
          for (let n = 0; n < PER_TRANSACTION; n++) {
            await writeEvent(trx, {
              type: 'user.registered',
              data: userRegistered(`u${written + n}`),
            });
          }
        });
        written += PER_TRANSACTION;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    // Mid-stream: some events written and handled, most still to come.
    await eventually(
      async () =>
        written >= TOTAL / 4 &&
        (await count(bed.db, sql<{ n: number }>`select count(*)::int as n from effects`)) > 0,
      { timeoutMs: 60_000 },
    );
    try {
      await rabbitmqctl('stop_app');
      await expect(messaging.check()).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await rabbitmqctl('start_app');
    }
    await writing;
    expect(written).toBe(TOTAL);

    await eventually(
      async () =>
        (await count(
          bed.db,
          sql<{ n: number }>`select count(distinct message_id)::int as n from effects`,
        )) === TOTAL,
      { timeoutMs: 150_000, intervalMs: 250 },
    );
    // Redeliveries after the restart were absorbed: one effect per message.
    expect(await count(bed.db, sql<{ n: number }>`select count(*)::int as n from effects`)).toBe(
      TOTAL,
    );
    expect(
      await count(
        bed.db,
        sql<{ n: number }>`select count(*)::int as n from outbox_events where status = 'sent'`,
      ),
    ).toBe(TOTAL);
    await eventually(() => messaging.check().then(() => true));
  }, 300_000);
});
