import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { KeyStore } from './keys/key-store.js';
import type { PasswordHasher } from './password-hasher.js';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface ThrottleSettings {
  windowSeconds: number;
  /** Failures an account gets before its backoff starts. */
  maxPerAccount: number;
  maxPerIp: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
}

/** Everything the users domain works with; built once by the app, handed to domain functions. */
export interface UsersContext {
  db: Kysely<Database>;
  hasher: PasswordHasher;
  keys: KeyStore;
  tokens: TokenSettings;
  throttle: ThrottleSettings;
  /** The clock (tests move it). */
  now(): Date;
}
