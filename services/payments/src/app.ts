import { authPlugin, bearerAuthScheme } from '@bazaar/auth';
import { pingDatabase } from '@bazaar/db';
import {
  commonAppOptions,
  createApp,
  messagingPlugin,
  periodicJob,
  type App,
  type MessagingOverrides,
} from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { PaymentsContext } from './domain/context.js';
import { subscribe } from './events/subscriptions.js';
import { providersFromConfig, type ProviderRegistry } from './providers/registry.js';
import { pruneDoneOperations } from './db/provider-operations-repository.js';
import { createOperationRunner, registerOperationMetrics } from './operations/operation-runner.js';
import { ledgerRoutes } from './routes/ledger/index.js';
import { paymentMethodRoutes } from './routes/payment-methods/index.js';
import type { RouteDeps } from './routes/route-deps.js';
import { webhookRoutes } from './routes/webhooks/index.js';

export interface Dependencies {
  db: Kysely<Database>;
  /** The payment providers; by default the ones the config names. */
  providers?: ProviderRegistry;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: { write(line: string): void };
  /** Messaging settings of tests (`TEST_MESSAGING` of `@bazaar/service-kit/testing`). */
  messaging?: MessagingOverrides;
}

/** The domain context shared by routes and consumers, built from config once. */
/** `payments_provider_refusals_total`, each operation's series exported from the start (at 0). */
function refusalsCounter(registry: Registry): Counter<'operation'> {
  const counter = new Counter({
    name: 'payments_provider_refusals_total',
    help: 'Captures, voids and refunds the provider refused for good (each ended unfinished)',
    labelNames: ['operation'],
    registers: [registry],
  });
  for (const operation of ['capture', 'void', 'refund']) counter.inc({ operation }, 0);
  return counter;
}

function paymentsContext(
  config: Config,
  providers: ProviderRegistry,
  log: PaymentsContext['log'],
  registry: Registry,
): PaymentsContext {
  return {
    providers,
    retry: {
      attempts: config.PROVIDER_RETRY_ATTEMPTS,
      backoffMs: config.PROVIDER_RETRY_BACKOFF_MS,
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
    },
    log,
    refusals: refusalsCounter(registry),
  };
}

/**
 * The payments service's app: plugins, routes, error handling, its consumers (started once it
 * listens) and the provider operation runner; it never listens itself.
 */
export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'payments',
    version: '0.1.0',
    description:
      'Payment methods, provider adapters with a built-in test provider, authorizations, refunds and provider webhooks.',
    ...commonAppOptions(config),
    logStream: deps.logStream,
    openapi: {
      components: { securitySchemes: bearerAuthScheme },
      tags: [
        { name: 'payment methods', description: 'Cards exchanged for provider tokens' },
        { name: 'payments', description: 'Payment ledgers of orders' },
        { name: 'webhooks', description: 'Signed provider notifications' },
      ],
    },
  });
  app.health.addCheck('database', () => pingDatabase(deps.db));
  await app.register(authPlugin, {
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  const ctx = paymentsContext(
    config,
    deps.providers ?? providersFromConfig(config),
    app.log,
    app.metrics,
  );
  const { attempts, backoffMs, timeoutMs = 0 } = ctx.retry;
  const runner = createOperationRunner(ctx, deps.db, {
    databaseUrl: config.DATABASE_URL,
    concurrency: config.PROVIDER_CONCURRENCY,
    // Longer than every try and pause of one operation, so a live runner keeps its claim.
    leaseMs: attempts * timeoutMs + backoffMs * 2 ** attempts + 10_000,
    pollMs: config.PROVIDER_OPERATIONS_POLL_MS,
  });
  registerOperationMetrics(app.metrics, deps.db);
  await app.register(messagingPlugin, {
    service: 'payments',
    config,
    db: deps.db,
    subscribe: (messaging) => subscribe(messaging, ctx, runner),
    overrides: deps.messaging,
  });
  // Finished operations only take room (and make the claim's index walk longer until a vacuum):
  // repeated events are told apart by the order's payment, not by the old row.
  periodicJob(app, {
    name: 'provider operations pruning',
    intervalMs: config.PROVIDER_OPERATIONS_PRUNE_INTERVAL_SECONDS * 1000,
    run: async () => {
      const count = await pruneDoneOperations(deps.db, {
        retentionMs: config.PROVIDER_OPERATIONS_RETENTION_HOURS * 3_600_000,
        batchSize: 1000,
        maxBatches: 100,
      });
      if (count > 0) app.log.info({ count }, 'finished provider operations pruned');
    },
  });
  app.addHook('onReady', () => runner.start());
  app.addHook('onClose', () => runner.stop());
  const routeDeps: RouteDeps = {
    db: deps.db,
    ctx: { ...ctx, providerName: config.PAYMENT_PROVIDER, webhookSecrets: config.webhookSecrets },
  };
  await app.register(paymentMethodRoutes, routeDeps);
  await app.register(ledgerRoutes, routeDeps);
  await app.register(webhookRoutes, routeDeps);
  return app;
}
