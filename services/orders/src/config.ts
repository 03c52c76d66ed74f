import { JwtConfig } from '@bazaar/auth';
import { CommonConfig, loadConfig } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

export const ConfigSchema = Type.Object({
  ...CommonConfig,
  ...JwtConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8082 }),
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    default: 'postgres://postgres@127.0.0.1:5432/bazaar_orders',
  }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  AMQP_URL: Type.String({ pattern: '^amqps?://', default: 'amqp://guest:guest@127.0.0.1:5672' }),
  /** The users service's key set, to check shoppers' access tokens. */
  JWKS_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:8083/.well-known/jwks.json',
  }),
  CATALOG_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081' }),
  /** Longest one price-lookup attempt may take (it is retried, then the breaker decides). */
  CATALOG_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2000 }),
  /** An order still waiting for stock or payment this long after it was placed is cancelled (`timeout`). */
  ORDER_SAGA_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 15 * 60_000 }),
  /** Pause between two rounds of the stuck-order sweeper. */
  SWEEPER_INTERVAL_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /** Checkout idempotency keys are kept at least this long (24 h at the very least). */
  IDEMPOTENCY_KEY_TTL_HOURS: Type.Integer({ minimum: 24, default: 48 }),
  /** Interval of SSE heartbeats (comments that keep proxies from closing an idle stream). */
  SSE_HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  /** An order stream with no status change for this long ends (with a `retry:` hint). */
  SSE_IDLE_MS: Type.Integer({ minimum: 100, default: 5 * 60_000 }),
  /** The `retry:` hint (ms) an idle stream sends before it ends: when to reconnect. */
  SSE_IDLE_RECONNECT_MS: Type.Integer({ minimum: 100, default: 30_000 }),
});

export type Config = Static<typeof ConfigSchema>;

/** The only place this service reads the environment. */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(ConfigSchema, env);
}
