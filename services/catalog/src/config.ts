import { JwtConfig } from '@bazaar/auth';
import { CommonConfig, FaultsConfig, loadConfig } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

export const ConfigSchema = Type.Object({
  ...CommonConfig,
  ...JwtConfig,
  ...FaultsConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8081 }),
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    default: 'postgres://postgres@127.0.0.1:5432/bazaar_catalog',
  }),
  /**
   * Connections in the kysely pool: the order messages hold one per batch in flight (up to 16),
   * the price lookups, reads and admin routes the rest. 25: the 20 + 5 of the two pools it
   * replaced, so Postgres sees no more connections per replica than before.
   */
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
  AMQP_URL: Type.String({ pattern: '^amqps?://', default: 'amqp://guest:guest@127.0.0.1:5672' }),
  /** The users service's public keys, to verify access tokens (admin routes). */
  JWKS_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:8083/.well-known/jwks.json',
  }),
});

export type Config = Static<typeof ConfigSchema>;

/** The only place this service reads the environment. */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(ConfigSchema, env);
}
