import type { EventEnvelope } from '@bazaar/contracts';
import type { Migrations } from '@bazaar/db';
import amqp, { type GetMessage } from 'amqplib';
import type { Registry } from 'prom-client';
import { sql, type Kysely, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { messagingMigrations, type Logger } from '../src/index.js';
import { closeConnections } from '../src/testing.js';
import type { MessagingTables } from '../src/tables.js';

/** What a test handler records: one row per effect, no uniqueness, so duplicates would show. */
export interface TestDatabase extends MessagingTables {
  effects: { id: number; message_id: string; queue: string; user_id: string };
}

export const migrations: Migrations = {
  ...messagingMigrations,
  '2026-11-30-01-effects': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('effects')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('message_id', 'uuid', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .execute();
    },
  },
};

export function userRegistered(name = 'Ada') {
  const userId = uuidv7();
  return { userId, email: `${userId}@example.test`, name };
}

/** A handler that records its effect in the handler's transaction. */
export function recordEffect(queue: string) {
  return async (event: EventEnvelope<'user.registered'>, trx: Transaction<TestDatabase>) => {
    await trx
      .insertInto('effects')
      .values({ message_id: event.id, queue, user_id: event.data.userId } as never)
      .execute();
  };
}

export async function effectCount(db: Kysely<TestDatabase>, userId?: string): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from effects
    where ${userId ? sql`user_id = ${userId}` : sql`true`}`.execute(db);
  return rows[0]!.count;
}

/** Polls until `check` returns a truthy value (generous: the machine is shared and slow). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  timeoutMs = 25_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Reads a queue without a consumer (`basic.get`), for asserting on a DLQ; fails if it is missing. */
export async function readQueue(url: string, queue: string): Promise<GetMessage[]> {
  const connection = await amqp.connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      messages.push(message);
    }
    // Not acked: they stay in the queue for the next look.
    await channel.close();
    return messages;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * Has the broker close the connections whose name starts with `namePrefix` (only ours: other
 * test files share the broker), as it does on a forced close or a lost node.
 */
export function closeBrokerConnections(namePrefix: string): Promise<number> {
  return closeConnections(namePrefix);
}

/** Silent unless `MESSAGING_TEST_LOG=1`: the library's log lines, for debugging a test. */
export function testLogger(): Logger | undefined {
  if (!process.env.MESSAGING_TEST_LOG) return undefined;
  const start = Date.now();
  const line = (level: string) => (obj: object, msg?: string) =>
    process.stderr.write(`${Date.now() - start}ms ${level} ${msg ?? ''} ${JSON.stringify(obj)}\n`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
