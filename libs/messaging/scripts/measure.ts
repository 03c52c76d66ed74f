/**
 * Relay throughput and end-to-end latency on this machine (figures for the README, not tests):
 *   pnpm --filter @bazaar/messaging measure [-- --backlog N --sequential N --rate N --seconds N]
 * Uses a throwaway database and namespace on the local Postgres and RabbitMQ.
 */
import { cpus, loadavg } from 'node:os';
import { commandLine, wholeNumber } from '@bazaar/cli';
import { createTestDatabase } from '@bazaar/db/testing';
import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  createMessaging,
  messagingMigrations,
  writeEvent,
  type MessagingTables,
} from '../src/index.js';
import { deleteNamespace, testAmqpUrl, testNamespace } from '../src/testing.js';

const settings = commandLine(
  {
    name: 'measure',
    command: 'pnpm --filter @bazaar/messaging measure --',
    summary:
      'Relay throughput and end-to-end latency on this machine, in a throwaway database and ' +
      'namespace of the local Postgres (TEST_DATABASE_URL) and RabbitMQ (TEST_AMQP_URL).',
    options: {
      backlog: {
        type: 'string',
        value: 'N',
        default: '10000',
        description: 'events in the backlog drained at once',
      },
      sequential: {
        type: 'string',
        value: 'N',
        default: '300',
        description: 'events sent one after another',
      },
      rate: {
        type: 'string',
        value: 'N',
        default: '200',
        description: 'events per second in the steady stream',
      },
      seconds: {
        type: 'string',
        value: 'N',
        default: '10',
        description: 'how long the steady stream runs',
      },
    },
  },
  ({ values }) => ({
    backlog: wholeNumber('--backlog', values.backlog, { min: 1 })!,
    sequential: wholeNumber('--sequential', values.sequential, { min: 1 })!,
    rate: wholeNumber('--rate', values.rate, { min: 1 })!,
    seconds: wholeNumber('--seconds', values.seconds, { min: 1 })!,
  }),
);
const url = testAmqpUrl();
const BACKLOG = settings.backlog;
const SEQUENTIAL = settings.sequential;
const RATE = settings.rate;
const STREAM_SECONDS = settings.seconds;

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function user() {
  const userId = uuidv7();
  return { userId, email: `${userId}@example.test`, name: 'Measured' };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(label: string, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  out(
    `${label}: n=${sorted.length} p50=${percentile(sorted, 50).toFixed(1)}ms ` +
      `p95=${percentile(sorted, 95).toFixed(1)}ms p99=${percentile(sorted, 99).toFixed(1)}ms ` +
      `max=${sorted[sorted.length - 1]!.toFixed(1)}ms`,
  );
}

async function main(): Promise<void> {
  const database = await createTestDatabase<MessagingTables>(
    'messaging_measure',
    messagingMigrations,
  );
  const db = database.db as Kysely<MessagingTables>;
  const namespace = testNamespace('measure');
  const written = new Map<string, number>();
  const latencies: number[] = [];
  let handled = 0;
  let failed = 0;
  let resolveHandled: (() => void) | undefined;

  const messaging = createMessaging({
    url,
    service: 'measure',
    db,
    databaseUrl: database.url,
    namespace,
  });
  messaging.subscribe('measure.users', {
    'user.registered': async (event) => {
      const start = written.get(event.id);
      if (start !== undefined) latencies.push(performance.now() - start);
      handled++;
      resolveHandled?.();
    },
  });
  out(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (shared with other work)`,
  );
  try {
    // 1. Relay throughput: a backlog written while no relay runs, then drained.
    out(`writing a backlog of ${BACKLOG} events...`);
    for (let done = 0; done < BACKLOG; done += 500) {
      await db.transaction().execute(async (trx) => {
        for (let n = 0; n < 500 && done + n < BACKLOG; n++) {
          await writeEvent(trx, { type: 'user.registered', data: user() });
        }
      });
    }
    const started = performance.now();
    await messaging.start();
    for (;;) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from outbox_events where status = 'pending'`.execute(db);
      if (rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const relaySeconds = (performance.now() - started) / 1000;
    out(
      `relay throughput: ${BACKLOG} events published and marked sent in ${relaySeconds.toFixed(2)} s ` +
        `= ${Math.round(BACKLOG / relaySeconds)} events/s (consumer draining at the same time)`,
    );
    while (handled < BACKLOG) await new Promise((resolve) => setTimeout(resolve, 20));
    const consumeSeconds = (performance.now() - started) / 1000;
    out(
      `consume throughput: ${BACKLOG} events handled (inbox + ack) in ${consumeSeconds.toFixed(2)} s ` +
        `= ${Math.round(BACKLOG / consumeSeconds)} events/s`,
    );

    // 2. End-to-end latency, one event at a time: commit -> NOTIFY -> relay -> broker -> handler.
    for (let n = 0; n < SEQUENTIAL; n++) {
      const id = uuidv7();
      const done = new Promise<void>((resolve) => (resolveHandled = resolve));
      written.set(id, performance.now());
      await db
        .transaction()
        .execute((trx) => writeEvent(trx, { id, type: 'user.registered', data: user() }));
      await done;
    }
    summary('end-to-end latency, one at a time', latencies.splice(0));

    // 3. End-to-end latency under a steady stream.
    resolveHandled = undefined;
    const target = handled + RATE * STREAM_SECONDS;
    const interval = 1000 / RATE;
    const streamStart = performance.now();
    for (let n = 0; n < RATE * STREAM_SECONDS; n++) {
      const due = streamStart + n * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = uuidv7();
      written.set(id, performance.now());
      db.transaction()
        .execute((trx) => writeEvent(trx, { id, type: 'user.registered', data: user() }))
        .catch((error: unknown) => {
          failed++;
          process.stderr.write(`write failed: ${String(error)}\n`);
        });
    }
    while (handled + failed < target) await new Promise((resolve) => setTimeout(resolve, 20));
    summary(`end-to-end latency at ${RATE} events/s for ${STREAM_SECONDS} s`, latencies.splice(0));
    out(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await messaging.stop();
    await deleteNamespace({ url, namespace });
    await database.drop();
  }
}

await main();
