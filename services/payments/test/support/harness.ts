import { createTestIssuer, type TestIssuer } from '@bazaar/auth/testing';
import type { EventData, EventType } from '@bazaar/contracts';
import type { TestDatabase } from '@bazaar/db/testing';
import type { Messaging } from '@bazaar/messaging';
import { captureEvents, publishEvent, type CapturedEvents } from '@bazaar/messaging/testing';
import type { App } from '@bazaar/service-kit';
import { eventually, outboxRows, startTestService } from '@bazaar/service-kit/testing';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from '../../src/app.js';
import { loadServiceConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';
import type { PaymentProvider } from '../../src/providers/provider.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { TestProvider } from '../../src/providers/test-provider.js';

export const CARDS = {
  visa: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  transient: '4000000000000119',
} as const;

export interface Harness {
  app: App;
  config: Config;
  database: TestDatabase<Database>;
  issuer: TestIssuer;
  provider: TestProvider;
  namespace: string;
  messaging: Messaging<unknown> | undefined;
  events: CapturedEvents | undefined;
  /** Every log line the app and its consumers wrote. */
  logs: string[];
  /** A shopper's bearer header (a fresh user id unless given). */
  bearer(userId: string, roles?: ('customer' | 'admin')[]): Promise<string>;
  /** Vaults a card for a user through the HTTP endpoint; returns the payment-method id. */
  createMethod(
    userId: string,
    number: string,
    expiry?: { expMonth: number; expYear: number },
  ): Promise<string>;
  /** Publishes an event as another service would; resolves with its envelope id. */
  publish<T extends EventType>(type: T, data: EventData<T>, id?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The payments service as one test file sees it: its own database and RabbitMQ namespace, a
 * local token issuer, the real app and (unless `messaging: false`) the real consumers.
 */
export async function startPayments(
  label: string,
  options: {
    env?: Record<string, string>;
    messaging?: boolean;
    /** Extra provider adapters registered beside the test provider. */
    providers?: PaymentProvider[];
  } = {},
): Promise<Harness> {
  const issuer = await createTestIssuer();
  const logs: string[] = [];
  let config!: Config;
  let provider!: TestProvider;
  const service = await startTestService<Database>({
    service: 'payments',
    label,
    migrations,
    env: {
      LOG_LEVEL: 'debug',
      JWKS_URL: issuer.jwksUrl,
      PROVIDER_RETRY_BACKOFF_MS: '5',
      ...options.env,
    },
    // Unless `messaging: false`, listening starts the real consumers and relay.
    listen: options.messaging !== false,
    build: ({ env, db, messaging }) => {
      config = loadServiceConfig(env);
      provider = new TestProvider({
        latencyMs: config.TEST_PROVIDER_LATENCY_MS,
        transientFailures: config.TEST_PROVIDER_TRANSIENT_FAILURES,
      });
      return buildApp(config, {
        db,
        providers: createProviderRegistry([provider, ...(options.providers ?? [])]),
        logStream: { write: (line) => void logs.push(line) },
        messaging: { ...messaging, subscriptionDefaults: { retryDelaysMs: [200, 500, 1000] } },
      });
    },
  });
  const { app, namespace } = service;
  const database = service.database!;
  const messaging = options.messaging !== false ? app.messaging : undefined;
  // What payments publishes (the events tests inject are not its own).
  const events = messaging
    ? await captureEvents({
        namespace,
        types: [
          'payment.authorized',
          'payment.failed',
          'payment.refunded',
          'payment.capture_failed',
        ],
      })
    : undefined;

  const bearer = async (userId: string, roles: ('customer' | 'admin')[] = ['customer']) =>
    `Bearer ${await issuer.sign({ sub: userId, roles })}`;

  return {
    app,
    config,
    database,
    issuer,
    provider,
    namespace,
    messaging,
    events,
    logs,
    bearer,
    async createMethod(
      userId,
      number,
      expiry = { expMonth: 12, expYear: new Date().getUTCFullYear() + 3 },
    ) {
      const response = await app.inject({
        method: 'POST',
        url: '/internal/payment-methods',
        headers: { authorization: await bearer(userId) },
        payload: { card: { number, ...expiry, cvc: '123' } },
      });
      if (response.statusCode !== 201)
        throw new Error(`payment method: ${response.statusCode} ${response.body}`);
      return response.json().id as string;
    },
    async publish(type, data, id = uuidv7()) {
      await publishEvent({ namespace, type, data, id, source: 'test' });
      return id;
    },
    async close() {
      await events?.close();
      await service.close();
      await issuer.close();
    },
  };
}

export function reserved(orderId: string, userId: string, paymentMethodId: string, amount = 4999) {
  return {
    orderId,
    userId,
    paymentMethodId,
    lines: [{ productId: uuidv7(), quantity: 1 }],
    total: { amount, currency: 'EUR' },
  };
}

/** Resolves once the consumers have handled (committed) every given message id. */
export async function handled(harness: Harness, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const db = harness.database.db as unknown as Kysely<{ inbox_messages: { message_id: string } }>;
  await eventually(async () => {
    const rows = await db
      .selectFrom('inbox_messages')
      .select('message_id')
      .where('message_id', 'in', ids)
      .execute();
    return rows.length === ids.length;
  });
}

/**
 * Resolves once payments has nothing left to do on its own: the given messages handled, every
 * provider call they asked for done and every event it wrote sent. What it was going to publish
 * is then in its outbox, so a test can assert that something did not happen.
 */
export async function settled(harness: Harness, ids: string[] = []): Promise<void> {
  await handled(harness, ids);
  const db = harness.database.db;
  await eventually(
    async () => {
      const open = await db
        .selectFrom('provider_operations')
        .select('order_id')
        .where('done_at', 'is', null)
        .execute();
      const outbox = await outboxRows(db);
      return open.length === 0 && outbox.every((row) => row.status !== 'pending');
    },
    { what: 'payments to settle' },
  );
}

/** The events of a type about an order that payments wrote to its outbox. */
export function written(harness: Harness, type: EventType, orderId: string) {
  return outboxRows(harness.database.db, { type, data: { orderId } });
}

/** An order payments authorized (a saved card, then `stock.reserved`), with its first event. */
export async function authorizedOrder(harness: Harness, number: string = CARDS.visa) {
  const userId = uuidv7();
  const orderId = uuidv7();
  const methodId = await harness.createMethod(userId, number);
  await harness.publish('stock.reserved', reserved(orderId, userId, methodId, 3000));
  const event = await harness.events!.waitFor(
    (e) => e.type.startsWith('payment.') && (e.data as { orderId: string }).orderId === orderId,
  );
  const paymentId = (event.data as { paymentId: string }).paymentId;
  return { userId, orderId, paymentId, event };
}

/** An order's payment as the admin ledger shows it (status and every attempt). */
export async function ledger(harness: Harness, orderId: string) {
  const response = await harness.app.inject({
    url: `/v1/admin/orders/${orderId}/payments`,
    headers: { authorization: await harness.bearer(uuidv7(), ['admin']) },
  });
  return response.json().items[0];
}
