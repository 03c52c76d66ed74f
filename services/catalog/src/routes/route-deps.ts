import type { Faults } from '@bazaar/service-kit';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** What route plugins are given (routes hand it to one domain call). */
export interface RouteDeps {
  db: Kysely<Database>;
  /** The drill switch (`BAZAAR_FAULTS`); off by default. */
  faults: Faults;
}
