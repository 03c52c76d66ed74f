import type { Migrations } from '@bazaar/db';
import { messagingMigrations } from '@bazaar/messaging';
import * as users from './2026-11-23-01-users.js';
import * as addresses from './2026-11-23-02-addresses.js';
import * as refreshTokens from './2026-11-23-03-refresh-tokens.js';
import * as signingKeys from './2026-11-23-04-signing-keys.js';
import * as loginThrottle from './2026-11-23-05-login-throttle.js';
import * as loginBackoff from './2026-12-06-01-login-backoff.js';

/** Every migration of the users database, oldest first; names are date-prefixed and frozen. */
export const migrations: Migrations = {
  ...messagingMigrations,
  '2026-11-23-01-users': users,
  '2026-11-23-02-addresses': addresses,
  '2026-11-23-03-refresh-tokens': refreshTokens,
  '2026-11-23-04-signing-keys': signingKeys,
  '2026-11-23-05-login-throttle': loginThrottle,
  '2026-12-06-01-login-backoff': loginBackoff,
};
