import type { Kysely } from 'kysely';
import type { Upstreams } from '../clients/upstreams.js';
import type { Database } from '../db/database.js';

/** What route modules need: the internal services, and the storefront's own database. */
export interface RouteDeps {
  upstreams: Upstreams;
  db: Kysely<Database>;
}
