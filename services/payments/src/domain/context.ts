import type { Logger } from '@bazaar/messaging';
import type { Counter } from 'prom-client';
import type { ProviderRegistry } from '../providers/registry.js';
import type { RetryPolicy } from './retry.js';

/** What payments' domain functions need besides a database handle. */
export interface PaymentsContext {
  providers: ProviderRegistry;
  retry: RetryPolicy;
  log: Logger;
  /** `payments_provider_refusals_total`: captures, voids and refunds the provider refused for good. */
  refusals: Counter<'operation'>;
  now?: () => Date;
}
