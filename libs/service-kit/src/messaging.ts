import { TOPOLOGY } from '@bazaar/contracts';
import { createMessaging, type Messaging, type MessagingOptions } from '@bazaar/messaging';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { whileListening } from './background.js';

/** What a test (or a tool) may change of a service's messaging; production uses none of it. */
export type MessagingOverrides = Partial<
  Pick<MessagingOptions<unknown>, 'topology' | 'subscriptionDefaults' | 'relaySettings'>
>;

// The plugin's options are not generic (fastify's `register` loses the type): `any` lets each
// service pass its own `Kysely<Database>` and receive `Messaging<Database>` in `subscribe`.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface MessagingPluginOptions {
  /** This service's name: the `source` of its events, the owner of its queues in the topology. */
  service: string;
  /** The service's config: `AMQP_URL`, `AMQP_NAMESPACE` and (for the relay's LISTEN) `DATABASE_URL`. */
  config: { AMQP_URL: string; AMQP_NAMESPACE: string; DATABASE_URL?: string };
  /** The service's database, holding `outbox_events` and `inbox_messages`. */
  db: Kysely<any>;
  /** Subscribes the service's consumers: `subscribe(messaging, deps)` of `src/events/subscriptions.ts`. */
  subscribe?: (messaging: Messaging<any>) => void;
  /** Publish the outbox (default true); false for a service that only consumes. */
  relay?: boolean;
  /** Test settings (short retry delays, no declared topology): `deps.messaging` of `buildApp`. */
  overrides?: MessagingOverrides;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's messaging (`@bazaar/messaging`): its relay and `check()`, for tests and tools. */
    messaging: Messaging<unknown>;
  }
}

/**
 * The service's messaging, owned by its app: the broker connection, the declared topology
 * (`TOPOLOGY` of `@bazaar/contracts`), the outbox relay and the consumers `subscribe` declares.
 *
 * It starts once the server listens (`runService`, or a test's `startTestService`), without
 * waiting: HTTP serves while the broker is still being reached, and keeps serving while it is
 * away (writes carry on through the outbox; the connection comes back by itself). An app that
 * only answers `inject` never connects. It stops as the app begins to close (consumers, relay,
 * connection), before in-flight requests finish and `onClose` hooks release the database.
 *
 * Deliberately not a readiness check: readiness means "can serve requests". The broker's state
 * is the `messaging_broker_connected` gauge and the `BazaarBrokerDisconnected` alert.
 */
export const messagingPlugin = fp(
  async function messagingPlugin(app: FastifyInstance, options: MessagingPluginOptions) {
    const { config } = options;
    const messaging = createMessaging({
      url: config.AMQP_URL,
      service: options.service,
      db: options.db,
      databaseUrl: config.DATABASE_URL,
      logger: app.log,
      metrics: app.metrics,
      namespace: config.AMQP_NAMESPACE,
      // Declares every service's queues before publishing; accepts events from their publishers only.
      topology: TOPOLOGY,
      relay: options.relay,
      ...options.overrides,
    });
    options.subscribe?.(messaging);
    app.decorate('messaging', messaging as Messaging<unknown>);
    whileListening(app, messaging);
  },
  { name: 'bazaar-messaging', fastify: '5.x' },
);
