import type { ProviderRegistry } from '../providers/registry.js';
import type { RetryPolicy } from './retry.js';

/** The few logger methods domain code uses (a pino logger: `app.log`, `request.log`). */
export interface Logger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** What payments' domain functions need besides a database handle. */
export interface PaymentsContext {
  providers: ProviderRegistry;
  retry: RetryPolicy;
  log: Logger;
  now?: () => Date;
}
