import type { Faults } from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Queryable } from '../db/prices-repository.js';

/** What route plugins are given (routes hand it to one domain call). */
export interface RouteDeps {
  db: Kysely<Database>;
  /** Plain pg pool for the named statement of the price lookup (the checkout's hot path). */
  pool: Queryable;
  /** The drill switch (`BAZAAR_FAULTS`); off by default. */
  faults: Faults;
}
