import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { PriceSource } from '../domain/catalog-prices.js';
import type { SagaMetrics } from '../metrics/saga-metrics.js';
import type { OrderStatusHub } from '../sse/order-status-hub.js';
import type { createOrderEventStreams } from '../sse/order-event-stream.js';

/** What route modules are given by `buildApp`. */
export interface RouteDeps {
  config: Config;
  db: Kysely<Database>;
  catalog: PriceSource;
  metrics: SagaMetrics;
  now: () => Date;
  hub: OrderStatusHub;
  events: ReturnType<typeof createOrderEventStreams>;
}
