import { sql, type Kysely } from 'kysely';
import { eventually } from '@bazaar/testing';
import { writeEvent, type Messaging } from '../src/index.js';
import { startBrokerGate, type BrokerGate } from '../src/testing.js';
import { recordEffect, type TestDatabase, userRegistered, useTestbed } from './support.js';

/*
 * A broker outage mid-stream: the messaging under test reaches RabbitMQ through a TCP gate
 * (`startBrokerGate`), and cutting the gate is the outage — its connections drop and reconnects
 * are refused, as when RabbitMQ stops — while the shared broker itself keeps running (and keeps
 * the queued messages). A drill, run after the other tests (`jest -c jest.disruptive.config.cjs`).
 */

const QUEUE = 'restart.users';
const TOTAL = 2000;
const PER_TRANSACTION = 20;

async function count(db: Kysely<TestDatabase>, query: ReturnType<typeof sql<{ n: number }>>) {
  return (await query.execute(db)).rows[0]!.n;
}

describe('broker restart', () => {
  const bed = useTestbed('restart');
  let gate: BrokerGate;
  let messaging: Messaging<TestDatabase>;

  beforeAll(async () => {
    gate = await startBrokerGate({ target: bed.url });
    messaging = bed.messaging({ service: 'restart', url: gate.url });
    messaging.subscribe(QUEUE, { 'user.registered': recordEffect(QUEUE) });
    await messaging.start();
  });
  // After the testbed's own (jest runs them in order): the messaging stops first.
  afterAll(() => gate?.close());

  it('when the broker goes away and comes back while 2,000 events are written, then all 2,000 are consumed once and none is lost', async () => {
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
      gate.cut();
      // The messaging notices (its check fails), and stays cut off a while: reconnects refused.
      await eventually(
        () =>
          messaging.check().then(
            () => false,
            () => true,
          ),
        {
          what: 'the messaging noticing the outage',
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the outage's length
      await expect(messaging.check()).rejects.toThrow();
    } finally {
      gate.restore();
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
