import { JwtConfig } from '@bazaar/auth';
import { CommonConfig, ConfigError, loadConfig } from '@bazaar/service-kit';
import { Type, type Static } from '@sinclair/typebox';

export const ConfigSchema = Type.Object({
  ...CommonConfig,
  ...JwtConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8083 }),
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    default: 'postgres://postgres@127.0.0.1:5432/bazaar_users',
  }),
  AMQP_URL: Type.String({ pattern: '^amqps?://', default: 'amqp://guest:guest@127.0.0.1:5672' }),
  /** Addresses whose `X-Forwarded-For` is believed (the storefront, an ingress): proxy-addr syntax. */
  TRUST_PROXY: Type.String({ default: 'loopback,uniquelocal' }),

  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, default: 30 * 24 * 3600 }),
  /**
   * Signing keys from a Kubernetes Secret: a JWK set of private keys (`{"keys":[...]}`, each with
   * `kid` and `alg` EdDSA or ES256) or one PKCS#8 PEM. When given, keys are not kept in the database.
   */
  JWT_PRIVATE_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  /** Which of `JWT_PRIVATE_KEYS` signs (default: the first); the others are only published. */
  JWT_SIGNING_KID: Type.Optional(Type.String({ minLength: 1 })),
  /** Encrypts private keys kept in the database (AES-256-GCM); required for them in production. */
  JWT_KEYS_ENCRYPTION_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Database-managed keys: a new key is created this often... */
  JWT_KEY_ROTATION_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  /** ...published this long before it signs, so every verifier has it by then. */
  JWT_KEY_PUBLISH_DELAY_SECONDS: Type.Integer({ minimum: 0, default: 600 }),
  /** How often keys, expired refresh tokens and old throttle counters are looked after. */
  HOUSEKEEPING_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 60 }),

  ARGON2_MEMORY_KIB: Type.Integer({ minimum: 19456, default: 19456 }),
  ARGON2_ITERATIONS: Type.Integer({ minimum: 2, default: 2 }),
  ARGON2_PARALLELISM: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),

  /** An address's attempts are counted in fixed windows; an account's failures are forgotten after a quiet window. */
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /** Failures an account gets before its backoff starts. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Type.Integer({ minimum: 1, default: 10 }),
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, default: 30 }),
  /** The wait after the first failure past the free ones; it doubles with each further one... */
  LOGIN_BACKOFF_BASE_SECONDS: Type.Integer({ minimum: 1, default: 1 }),
  /** ...up to this (and never past the window). */
  LOGIN_BACKOFF_MAX_SECONDS: Type.Integer({ minimum: 1, default: 300 }),

  BAZAAR_ADMIN_EMAIL: Type.Optional(Type.String({ minLength: 3 })),
  BAZAAR_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10 })),
});

export type Config = Static<typeof ConfigSchema> & {
  /** The admin account created at start when none exists. */
  admin: { email: string; password: string };
};

const LOCAL_ADMIN = { email: 'admin@bazaar.local', password: 'bazaar-admin' };

/** The only place this service reads the environment. */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  const base = loadConfig(ConfigSchema, env);
  const production = base.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && !base.BAZAAR_ADMIN_EMAIL) {
    problems.push('BAZAAR_ADMIN_EMAIL: is required in production (missing)');
  }
  if (production && !base.BAZAAR_ADMIN_PASSWORD) {
    problems.push('BAZAAR_ADMIN_PASSWORD: is required in production (missing)');
  }
  if (production && !base.JWT_PRIVATE_KEYS && !base.JWT_KEYS_ENCRYPTION_SECRET) {
    problems.push(
      'JWT_PRIVATE_KEYS: give the signing keys (or JWT_KEYS_ENCRYPTION_SECRET to keep encrypted keys in the database) in production (missing)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...base,
    admin: {
      email: base.BAZAAR_ADMIN_EMAIL ?? LOCAL_ADMIN.email,
      password: base.BAZAAR_ADMIN_PASSWORD ?? LOCAL_ADMIN.password,
    },
  });
}
