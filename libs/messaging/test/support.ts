import type { EventEnvelope } from '@bazaar/contracts';
import type { Migrations } from '@bazaar/db';
import amqp, { type GetMessage } from 'amqplib';
import type { Registry } from 'prom-client';
import { sql, type Kysely, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { createTestDatabase, type TestDatabase as Db } from '@bazaar/db/testing';
import {
  createMessaging,
  messagingMigrations,
  writeEvent,
  type Logger,
  type Messaging,
  type MessagingOptions,
} from '../src/index.js';
import { closeConnections, deleteNamespace, testAmqpUrl, testNamespace } from '../src/testing.js';

export { readyCount } from '../src/testing.js';
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

/** One test file's database and broker namespace, and the messaging instances it starts. */
export interface Testbed {
  readonly url: string;
  readonly namespace: string;
  /** The file's database (messaging tables and `effects`), made in its `beforeAll`. */
  readonly db: Kysely<TestDatabase>;
  readonly databaseUrl: string;
  /**
   * Messaging over the file's database and namespace (its `url`, `db`, `databaseUrl`,
   * `namespace` and the test logger unless given), stopped after the test that made it, or
   * after the file when made in `beforeAll`.
   */
  messaging(
    options: Partial<MessagingOptions<TestDatabase>> & { service: string },
  ): Messaging<TestDatabase>;
  /** Stops this instance with the others (one made with `createMessaging` directly). */
  track(messaging: Messaging<TestDatabase>): Messaging<TestDatabase>;
  /** Leaves out one the test stopped itself. */
  forget(messaging: Messaging<TestDatabase>): void;
  /** Writes `user.registered` in a committed transaction; resolves with its data and id. */
  writeUser(name?: string): Promise<ReturnType<typeof userRegistered> & { id: string }>;
}

/**
 * The set-up every broker test file repeats, written once: call it in the file's `describe`;
 * it makes the database before the tests, stops what each test started after it, and stops
 * the rest, deletes the namespace and drops the database at the end.
 */
export function useTestbed(label: string): Testbed {
  const url = testAmqpUrl();
  const namespace = testNamespace(label);
  let database: Db<TestDatabase> | undefined;
  const forFile: Messaging<TestDatabase>[] = [];
  const forTest: Messaging<TestDatabase>[] = [];
  let inTest = false;

  beforeAll(async () => {
    database = await createTestDatabase<TestDatabase>(`messaging_${label}`, migrations);
  });
  beforeEach(() => {
    inTest = true;
  });
  afterEach(async () => {
    inTest = false;
    await Promise.all(forTest.splice(0).map((m) => m.stop()));
  });
  afterAll(async () => {
    await Promise.all(forFile.splice(0).map((m) => m.stop()));
    await deleteNamespace({ url, namespace });
    await database?.drop();
  });

  const bed: Testbed = {
    url,
    namespace,
    get db() {
      if (!database) throw new Error('the testbed database is made in beforeAll');
      return database.db;
    },
    get databaseUrl() {
      if (!database) throw new Error('the testbed database is made in beforeAll');
      return database.url;
    },
    messaging: (options) =>
      bed.track(
        createMessaging<TestDatabase>({
          url,
          db: bed.db,
          databaseUrl: bed.databaseUrl,
          namespace,
          logger: testLogger(),
          ...options,
        }),
      ),
    track(messaging) {
      (inTest ? forTest : forFile).push(messaging);
      return messaging;
    },
    forget(messaging) {
      for (const list of [forTest, forFile]) {
        const at = list.indexOf(messaging);
        if (at >= 0) list.splice(at, 1);
      }
    },
    async writeUser(name) {
      const data = userRegistered(name);
      const id = await bed.db
        .transaction()
        .execute((trx) => writeEvent(trx, { type: 'user.registered', data }));
      return { ...data, id };
    },
  };
  return bed;
}
