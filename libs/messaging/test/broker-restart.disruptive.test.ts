import { createTestDatabase, type TestDatabase as Db } from '@bazaar/db/testing';
import { sql } from 'kysely';
import { createMessaging, writeEvent, type Messaging } from '../src/index.js';
import { deleteNamespace, rabbitmqctl, testAmqpUrl, testNamespace } from '../src/testing.js';
import {
  eventually,
  migrations,
  recordEffect,
  testLogger,
  userRegistered,
  type TestDatabase,
} from './support.js';

/*
 * Stops and starts the shared RabbitMQ: run alone (`jest -c jest.disruptive.config.cjs`), after
 * every other test. The outage is kept to a few seconds and the broker is always started again.
 * `TEST_AMQP_URL` and `TEST_RABBITMQ_NODE` point it at another node (a private one in development).
 */

const url = testAmqpUrl();
const QUEUE = 'restart.users';
const TOTAL = 2000;
const PER_TRANSACTION = 20;

async function count(db: Db<TestDatabase>['db'], query: ReturnType<typeof sql<{ n: number }>>) {
  return (await query.execute(db)).rows[0]!.n;
}

describe('broker restart', () => {
  const namespace = testNamespace('restart');
  let database: Db<TestDatabase>;
  let messaging: Messaging<TestDatabase>;

  beforeAll(async () => {
    database = await createTestDatabase<TestDatabase>('messaging_restart', migrations);
    messaging = createMessaging({
      url,
      service: 'restart',
      db: database.db,
      databaseUrl: database.url,
      namespace,
      logger: testLogger(),
    });
    messaging.subscribe(QUEUE, { 'user.registered': recordEffect(QUEUE) });
    await messaging.start();
  });

  afterAll(async () => {
    await messaging?.stop();
    await deleteNamespace({ url, namespace });
    await database?.drop();
  });

  it('when the broker stops and starts while 2,000 events are written, then all 2,000 are consumed once and none is lost', async () => {
    let written = 0;
    const writing = (async () => {
      while (written < TOTAL) {
        await database.db.transaction().execute(async (trx) => {
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
        (await count(database.db, sql<{ n: number }>`select count(*)::int as n from effects`)) > 0,
      60_000,
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
          database.db,
          sql<{ n: number }>`select count(distinct message_id)::int as n from effects`,
        )) === TOTAL,
      150_000,
      250,
    );
    // Redeliveries after the restart were absorbed: one effect per message.
    expect(
      await count(database.db, sql<{ n: number }>`select count(*)::int as n from effects`),
    ).toBe(TOTAL);
    expect(
      await count(
        database.db,
        sql<{ n: number }>`select count(*)::int as n from outbox_events where status = 'sent'`,
      ),
    ).toBe(TOTAL);
    await eventually(() => messaging.check().then(() => true));
  }, 300_000);
});
