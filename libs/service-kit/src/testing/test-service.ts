import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import type { Migrations } from '@bazaar/db';
import { deleteNamespace, testAmqpUrl, testNamespace } from '@bazaar/messaging/testing';
import type { Kysely } from 'kysely';
import type { App } from '../create-app.js';
import type { MessagingOverrides } from '../messaging.js';

export interface TestServiceOptions<DB> {
  /** The service (`orders`): names the database and broker namespace with `label`. */
  service: string;
  /** This test file's label: its database is `bazaar_test_<service>_<label>_<random>`. */
  label: string;
  /** The service's migrations: a fresh migrated database of this file's own. */
  migrations?: Migrations;
  /** A database made before (a second app over the same data); not dropped on close. */
  database?: TestDatabase<DB>;
  /** Environment over the test defaults (`NODE_ENV=test`, `LOG_LEVEL=silent`, the URLs below). */
  env?: Record<string, string>;
  /**
   * Builds the service as its `main.ts` does: `buildApp(loadServiceConfig(env), { db, messaging
   * })`. `messaging` is the tests' settings for the messaging plugin (`deps.messaging`).
   */
  build(context: {
    env: Record<string, string>;
    db: Kysely<DB>;
    messaging: MessagingOverrides;
  }): Promise<App>;
  /**
   * Listen on a free local port (default true). A listening app starts its messaging against
   * the file's namespace, as a service process does; `false` keeps it to `inject` with no
   * broker connection.
   */
  listen?: boolean;
}

export interface TestService<DB> {
  app: App;
  /** This file's database (undefined for a service without one). */
  database: TestDatabase<DB> | undefined;
  /** Its handle (throws for a service without a database). */
  db: Kysely<DB>;
  /** `http://127.0.0.1:<port>` while listening, else undefined. */
  url: string | undefined;
  /** This file's broker namespace (`AMQP_NAMESPACE`). */
  namespace: string;
  /** The environment the service was configured from. */
  env: Record<string, string>;
  /** Closes the app (messaging first), deletes the namespace, drops the database. */
  close(): Promise<void>;
}

/** Settings of a service's messaging in tests: quick retries, any publisher accepted. */
export const TEST_MESSAGING: MessagingOverrides = {
  topology: undefined,
  subscriptionDefaults: { retryDelaysMs: [200, 500] },
};

/**
 * The whole service as one test file sees it, built by its own `buildApp`: a database of the
 * file's own (when `migrations` are given), a broker namespace of its own, and the app
 * listening on a free port with its messaging started (unless `listen: false`).
 */
export async function startTestService<DB>(
  options: TestServiceOptions<DB>,
): Promise<TestService<DB>> {
  const database =
    options.database ??
    (options.migrations
      ? await createTestDatabase<DB>(`${options.service}_${options.label}`, options.migrations)
      : undefined);
  const namespace = testNamespace(`${options.service}-${options.label}`);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AMQP_URL: testAmqpUrl(),
    AMQP_NAMESPACE: namespace,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  };
  const app = await options.build({
    env,
    db: database?.db as Kysely<DB>,
    messaging: TEST_MESSAGING,
  });
  let url: string | undefined;
  if (options.listen === false) await app.ready();
  else url = await app.listen({ port: 0, host: '127.0.0.1' });
  // Listening started the messaging without waiting for it: a test publishes once it is up.
  if (url && app.hasDecorator('messaging')) await brokerUp(app);
  return {
    app,
    database,
    get db(): Kysely<DB> {
      if (!database) throw new Error(`${options.service} has no database in this test`);
      return database.db;
    },
    url,
    namespace,
    env,
    async close() {
      await app.close();
      if (url && app.hasDecorator('messaging')) await deleteNamespace({ namespace });
      if (database && !options.database) await database.drop();
    },
  };
}

/** Resolves once the app's messaging is connected with every channel open (25 s at most). */
async function brokerUp(app: App, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await app.messaging.check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
