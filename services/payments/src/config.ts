import { JwtConfig } from '@bazaar/auth';
import { CommonConfig, ConfigError, FaultsConfig, loadConfig } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Used for webhook signatures outside production only; production must configure its own. */
export const LOCAL_WEBHOOK_SECRET = 'whsec_bazaar_local_development_only';

const SecretList = (description: string) =>
  Type.Optional(Type.String({ minLength: 16, description }));

export const ConfigSchema = Type.Object({
  ...CommonConfig,
  ...JwtConfig,
  ...FaultsConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8084 }),
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    default: 'postgres://postgres@127.0.0.1:5432/bazaar_payments',
  }),
  AMQP_URL: Type.String({ pattern: '^amqps?://', default: 'amqp://guest:guest@127.0.0.1:5672' }),
  JWKS_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:8083/.well-known/jwks.json',
  }),
  /** The provider that vaults new cards (a name in the provider registry). */
  PAYMENT_PROVIDER: Type.String({ default: 'test', pattern: '^[a-z0-9-]+$' }),
  /** How many times one provider call is tried when it fails transiently. */
  PROVIDER_RETRY_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  /** First pause between tries; doubled each time. */
  PROVIDER_RETRY_BACKOFF_MS: Type.Integer({ minimum: 0, maximum: 10_000, default: 100 }),
  /**
   * Longest one provider call may take before it counts as a transient failure (and is tried
   * again): a provider that hangs must not hold the consumer's transaction and connection.
   */
  PROVIDER_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 5000 }),
  /**
   * Provider calls made at once by this replica. They run outside any database transaction
   * (`provider_operations`), so a slow provider holds no pooled connection while it answers.
   */
  PROVIDER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  /**
   * How often the runner looks for due operations it was not told of: retries, a row committed
   * by a process that stopped before handing it to its runner, a notification missed.
   */
  PROVIDER_OPERATIONS_POLL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
  /**
   * Finished provider operations are deleted this long after they were done (by the periodic
   * job `provider operations pruning`). Not what prevents a second provider call for a repeated
   * event: the runner decides from the order's payment before every call (see the README).
   */
  PROVIDER_OPERATIONS_RETENTION_HOURS: Type.Integer({ minimum: 1, default: 24 }),
  /** The pause between two runs of that pruning. */
  PROVIDER_OPERATIONS_PRUNE_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 600 }),
  /** Simulated latency of every call to the built-in test provider. */
  TEST_PROVIDER_LATENCY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 0 }),
  /**
   * How many tries of one operation the transient-error test card fails before it succeeds;
   * unset: it fails every try (the payment ends `provider_error`).
   */
  TEST_PROVIDER_TRANSIENT_FAILURES: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  /**
   * Webhook signing secrets of the `test` provider, comma-separated: the first signs, all
   * verify (secret rotation). Required in production; a local default elsewhere.
   */
  WEBHOOK_SECRETS_TEST: SecretList('comma-separated webhook secrets of the test provider'),
});

type RawConfig = Static<typeof ConfigSchema>;

export type Config = Readonly<
  RawConfig & {
    /** Webhook secrets by provider name, parsed from `WEBHOOK_SECRETS_<PROVIDER>`. */
    webhookSecrets: Readonly<Record<string, readonly string[]>>;
  }
>;

function secretList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The only place this service reads the environment. */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw = loadConfig(ConfigSchema, env);
  const problems: string[] = [];
  const testSecrets = secretList(raw.WEBHOOK_SECRETS_TEST);
  if (testSecrets.some((s) => s.length < 16)) {
    problems.push('WEBHOOK_SECRETS_TEST: every secret must be at least 16 characters');
  }
  // A default signing secret in production would let anyone who reads this file forge webhooks.
  if (raw.NODE_ENV === 'production' && testSecrets.length === 0) {
    problems.push('WEBHOOK_SECRETS_TEST: required in production (missing)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...raw,
    webhookSecrets: Object.freeze({
      test: Object.freeze(testSecrets.length > 0 ? testSecrets : [LOCAL_WEBHOOK_SECRET]),
    }),
  });
}
