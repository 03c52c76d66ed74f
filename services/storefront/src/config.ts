import { JwtConfig } from '@bazaar/auth';
import { CommonConfig, loadConfig } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

const Url = (fallback: string, description: string) =>
  Type.String({ pattern: '^https?://', default: fallback, description });

export const ConfigSchema = Type.Object({
  ...CommonConfig,
  ...JwtConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  CATALOG_URL: Url('http://127.0.0.1:8081', 'the catalog service'),
  ORDERS_URL: Url('http://127.0.0.1:8082', 'the orders service'),
  USERS_URL: Url('http://127.0.0.1:8083', 'the users service'),
  PAYMENTS_URL: Url('http://127.0.0.1:8084', 'the payments service'),
  SEARCH_URL: Url('http://127.0.0.1:8085', 'the search service'),
  /** The users service's key set; by default derived from USERS_URL. */
  JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Per-attempt timeout of calls to the internal services. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 3000 }),
  /**
   * Anonymous answers kept for as long as their service's `Cache-Control: public, max-age`
   * allows (catalog's product reads); 0 keeps none.
   */
  RESPONSE_CACHE_ENTRIES: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
  /** Order event streams (`GET /v1/orders/:id/events`) one shopper may hold open at once. */
  ORDER_STREAMS_PER_SHOPPER: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
  /**
   * Order event streams this process holds open at once; past it, 429. Streams use a connection
   * pool to orders of this size, apart from the pool every other call uses.
   */
  ORDER_STREAMS_PER_PROCESS: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  /** Rate limits: on unless `off` (load tests only). */
  BAZAAR_RATE_LIMITS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** Requests per minute per client IP on every public route. */
  RATE_LIMIT_IP_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  /** Requests per minute per client IP on `/v1/auth/*` (login guessing is what it slows). */
  RATE_LIMIT_AUTH_PER_MINUTE: Type.Integer({ minimum: 1, default: 20 }),
  /** Requests per minute per authenticated shopper. */
  RATE_LIMIT_USER_PER_MINUTE: Type.Integer({ minimum: 1, default: 300 }),
  /** Allowed browser origins, comma-separated (`https://shop.example,https://admin.example`); empty: none. */
  CORS_ORIGINS: Type.String({ default: '' }),
  /**
   * Whom to trust for `X-Forwarded-For` (the client IP the rate limits key on): `false`, `true`
   * (any proxy; only behind an ingress that overwrites the header), or comma-separated
   * addresses/CIDRs of the ingress (`10.0.0.0/8`).
   */
  TRUST_PROXY: Type.String({ default: 'false' }),
  /** Largest accepted request body in bytes. */
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024, default: 65_536 }),
});

export type Config = Static<typeof ConfigSchema>;

/** The only place this service reads the environment. */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(ConfigSchema, env);
}

/** `TRUST_PROXY` as Fastify's `trustProxy` option. */
export function trustProxySetting(value: string): boolean | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  return value;
}

/** `CORS_ORIGINS` as a list. */
export function corsOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

export function jwksUrl(config: Config): string {
  return config.JWKS_URL ?? `${config.USERS_URL.replace(/\/+$/, '')}/.well-known/jwks.json`;
}
