import { CommonConfig, ConfigError, loadConfig } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

export const ConfigSchema = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8086 }),
  /** The public storefront API: the only thing this service talks to. */
  STOREFRONT_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8080' }),
  /** Where shoppers reach this shop; absolute URLs in OpenGraph tags are built from it. */
  PUBLIC_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8086' }),
  /**
   * Key of the CSRF tokens (HMAC of the visitor's session cookie). Any string of 32+ characters;
   * required in production, a fixed development key otherwise.
   */
  WEB_CSRF_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Locale used when the browser sends no usable Accept-Language. */
  DEFAULT_LOCALE: Type.String({ default: 'en-IE', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }),
  /**
   * Local mode: the built-in provider's test cards named on the checkout page and each order
   * page linking to its trace in Jaeger. On when DEPLOYMENT_ENVIRONMENT is `local` unless set.
   */
  WEB_LOCAL_MODE: Type.Optional(Type.Boolean()),
  JAEGER_UI_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:16686' }),
  /** Per-attempt timeout of calls to the storefront. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  /** Whom to trust for `X-Forwarded-For`: `false`, `true` or addresses/CIDRs of the ingress. */
  TRUST_PROXY: Type.String({ default: 'false' }),
});

export type Config = Static<typeof ConfigSchema>;

const DEVELOPMENT_CSRF_SECRET = 'bazaar-web-development-csrf-secret-not-for-production';

/** The only place this service reads the environment. */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  const config = loadConfig(ConfigSchema, env);
  if (config.NODE_ENV === 'production' && !config.WEB_CSRF_SECRET) {
    throw new ConfigError(['WEB_CSRF_SECRET: required in production (missing)']);
  }
  return config;
}

export function csrfSecret(config: Config): string {
  return config.WEB_CSRF_SECRET ?? DEVELOPMENT_CSRF_SECRET;
}

export function localMode(config: Config): boolean {
  return config.WEB_LOCAL_MODE ?? config.DEPLOYMENT_ENVIRONMENT === 'local';
}

export function trustProxySetting(value: string): boolean | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  return value;
}
