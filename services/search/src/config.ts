import { CommonConfig, loadConfig } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

export const ConfigSchema = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8085 }),
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    default: 'postgres://postgres@127.0.0.1:5432/bazaar_search',
  }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  AMQP_URL: Type.String({ pattern: '^amqps?://', default: 'amqp://guest:guest@127.0.0.1:5672' }),
  /** The in-memory index's fallback poll of the change log (NOTIFY wakes it sooner). */
  INDEX_POLL_MS: Type.Integer({ minimum: 10, maximum: 10_000, default: 250 }),
  /** Where the reindex reads every product from (`GET /internal/products`). */
  CATALOG_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081' }),
});

export type Config = Static<typeof ConfigSchema>;

/** The only place this service reads the environment. */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(ConfigSchema, env);
}
