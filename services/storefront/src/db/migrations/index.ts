import type { Migrations } from '@bazaar/db';

/** Every migration of the storefront database, oldest first; names are date-prefixed and frozen. */
export const migrations: Migrations = {};
