import type { Logger } from '@bazaar/messaging';
import type { ProviderRegistry } from '../providers/registry.js';
import type { RetryPolicy } from './retry.js';

/** What payments' domain functions need besides a database handle. */
export interface PaymentsContext {
  providers: ProviderRegistry;
  retry: RetryPolicy;
  log: Logger;
  now?: () => Date;
}
