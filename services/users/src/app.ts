import { authPlugin, bearerAuthScheme } from '@bazaar/auth';
import { pingDatabase } from '@bazaar/db';
import {
  commonAppOptions,
  createApp,
  messagingPlugin,
  periodicJob,
  ProblemSchema,
  type App,
  type MessagingOverrides,
} from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { UsersContext } from './domain/context.js';
import { housekeeping } from './domain/housekeeping.js';
import { createDatabaseKeyStore } from './domain/keys/database-key-store.js';
import type { KeyStore } from './domain/keys/key-store.js';
import { createStaticKeyStore } from './domain/keys/static-key-store.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { addressRoutes } from './routes/addresses/index.js';
import { authRoutes } from './routes/auth/index.js';
import { jwksRoutes } from './routes/jwks/index.js';
import { keyRoutes } from './routes/keys/index.js';
import { meRoutes } from './routes/me/index.js';
import type { RouteDeps } from './routes/route-deps.js';

export interface Dependencies {
  db: Kysely<Database>;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: { write(line: string): void };
  /** The clock; tests move it to age keys and windows. */
  now?: () => Date;
  /**
   * The users domain (`createUsersContext`), when the caller needs it too: `main.ts` bootstraps
   * the admin with it, tests reach its keys. Built from config by default.
   */
  context?: UsersContext;
  /** Messaging settings of tests (`TEST_MESSAGING` of `@bazaar/service-kit/testing`). */
  messaging?: MessagingOverrides;
}

async function keyStoreFor(config: Config, db: Kysely<Database>): Promise<KeyStore> {
  if (config.JWT_PRIVATE_KEYS) {
    return createStaticKeyStore(config.JWT_PRIVATE_KEYS, config.JWT_SIGNING_KID);
  }
  return createDatabaseKeyStore(db, {
    algorithm: 'EdDSA',
    rotationMs: config.JWT_KEY_ROTATION_DAYS * 24 * 3600 * 1000,
    publishDelayMs: config.JWT_KEY_PUBLISH_DELAY_SECONDS * 1000,
    tokenTtlMs: config.ACCESS_TOKEN_TTL_SECONDS * 1000,
    encryptionSecret: config.JWT_KEYS_ENCRYPTION_SECRET,
  });
}

/**
 * The users domain built from config: the key store (its first key created on the first start,
 * the published ones loaded later), the password hasher, token and throttle settings.
 */
export async function createUsersContext(
  config: Config,
  deps: Pick<Dependencies, 'db' | 'now'>,
): Promise<UsersContext> {
  const now = deps.now ?? (() => new Date());
  const keys = await keyStoreFor(config, deps.db);
  // First start creates the first key; later starts load the published ones.
  await keys.maintain(now());
  const ctx: UsersContext = {
    db: deps.db,
    keys,
    now,
    hasher: new PasswordHasher({
      memoryKib: config.ARGON2_MEMORY_KIB,
      iterations: config.ARGON2_ITERATIONS,
      parallelism: config.ARGON2_PARALLELISM,
    }),
    tokens: {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    },
    throttle: {
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
      maxPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
      backoffBaseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS,
      backoffMaxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS,
    },
  };
  return ctx;
}

/** The users service's app: plugins, routes and error handling; it never listens. */
export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'users',
    version: '0.1.0',
    description:
      'Accounts, password hashing, login, access and refresh tokens, JWKS, addresses and roles.',
    ...commonAppOptions(config),
    logStream: deps.logStream,
    trustProxy: config.TRUST_PROXY,
    openapi: {
      components: { securitySchemes: bearerAuthScheme },
      tags: [
        { name: 'auth', description: 'Registration, login, tokens and their keys' },
        { name: 'me', description: "The signed-in user's profile and addresses" },
        { name: 'internal', description: 'Operations for other services and operators' },
      ],
    },
  });
  app.addSchema(ProblemSchema);
  app.health.addCheck('database', () => pingDatabase(deps.db));

  const ctx = deps.context ?? (await createUsersContext(config, deps));
  const { keys } = ctx;
  // users only publishes (`user.registered`, through the outbox); it subscribes to nothing.
  await app.register(messagingPlugin, {
    service: 'users',
    config,
    db: deps.db,
    overrides: deps.messaging,
  });
  periodicJob(app, {
    name: 'housekeeping',
    intervalMs: config.HOUSEKEEPING_INTERVAL_SECONDS * 1000,
    run: () => housekeeping(ctx),
  });

  // This service checks its own tokens from its key store: no HTTP round trip to itself.
  await app.register(authPlugin, {
    keys: keys.verificationKeys,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const routeDeps: RouteDeps = { ctx };
  await app.register(authRoutes, routeDeps);
  await app.register(meRoutes, routeDeps);
  await app.register(addressRoutes, routeDeps);
  await app.register(jwksRoutes, routeDeps);
  await app.register(keyRoutes, routeDeps);

  return app;
}
