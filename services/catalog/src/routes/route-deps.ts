import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** What route plugins are given: the database (routes hand it to one domain call). */
export interface RouteDeps {
  db: Kysely<Database>;
}
