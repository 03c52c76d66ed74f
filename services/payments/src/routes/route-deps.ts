import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { PaymentsContext } from '../domain/context.js';

/** What route plugins are given by `buildApp` (routes hand it to one domain call). */
export interface RouteDeps {
  db: Kysely<Database>;
  ctx: PaymentsContext & {
    /** The provider new payment methods are created at (`PAYMENT_PROVIDER`). */
    providerName: string;
    /** Each provider's webhook signing secrets. */
    webhookSecrets: Readonly<Record<string, readonly string[]>>;
  };
}
