import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import { countOrdersIn } from '../db/orders-repository.js';
import {
  IN_FLIGHT_STATUSES,
  type OrderStatus,
  type Trigger,
  type UnpaidCause,
} from '../domain/order-state.js';

/** What the saga reports to Prometheus. */
export interface SagaMetrics {
  /** An order entered `to` (placed orders enter `pending`). */
  transitioned(to: OrderStatus, reason: string): void;
  /** The saga settled (confirmed or cancelled) `seconds` after the order was placed. */
  settled(outcome: OrderStatus, seconds: number): void;
  /** A trigger was absorbed (a duplicate or late event). */
  absorbed(trigger: Trigger, status: OrderStatus): void;
  /** An order in `status` lost its money (`confirmed`: cancelled; `shipped`: shipped unpaid). */
  unpaid(status: OrderStatus, cause: UnpaidCause): void;
}

/**
 * Registers the saga's series in the app's registry:
 * - `orders_status_transitions_total{status,reason}`: transitions into each status (this replica);
 * - `orders_in_flight{status}`: orders in `pending` and `stock_reserved` now, counted in the
 *   database at scrape time through the partial index of those orders (every replica reports the
 *   same, true figure: use `max`, not `sum`, across replicas; settled orders are counted by the
 *   transitions, never by reading every order at each scrape);
 * - `orders_saga_duration_seconds{outcome}`: placed → confirmed / cancelled;
 * - `orders_saga_absorbed_events_total{trigger,status}`: duplicates and late events acked;
 * - `orders_unpaid_total{status,cause}`: orders whose payment was refunded or never captured, by
 *   the status they were in (`shipped` means goods left unpaid: alerted on).
 */
export function createSagaMetrics(registry: Registry, db: Kysely<Database>): SagaMetrics {
  const transitions = new Counter({
    name: 'orders_status_transitions_total',
    help: 'Order status transitions, by the status entered and the reason',
    labelNames: ['status', 'reason'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'orders_saga_duration_seconds',
    help: 'Time from an order being placed to the saga settling, by outcome',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  const absorbed = new Counter({
    name: 'orders_saga_absorbed_events_total',
    help: 'Saga triggers that no longer applied (duplicates, late events), by trigger and status',
    labelNames: ['trigger', 'status'],
    registers: [registry],
  });
  const unpaid = new Counter({
    name: 'orders_unpaid_total',
    help: 'Orders whose payment was refunded or could not be captured, by status then and cause',
    labelNames: ['status', 'cause'],
    registers: [registry],
  });
  new Gauge({
    name: 'orders_in_flight',
    help: 'Orders in each in-flight status now (pending, stock_reserved; counted when scraped)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      try {
        const counts = await countOrdersIn(db, IN_FLIGHT_STATUSES);
        for (const status of IN_FLIGHT_STATUSES) this.set({ status }, counts[status] ?? 0);
      } catch {
        // The database is away: readiness reports it; the scrape still answers.
        this.reset();
      }
    },
  });
  return {
    transitioned: (status, reason) => transitions.inc({ status, reason }),
    settled: (outcome, seconds) => duration.observe({ outcome }, Math.max(0, seconds)),
    absorbed: (trigger, status) => absorbed.inc({ trigger, status }),
    unpaid: (status, cause) => unpaid.inc({ status, cause }),
  };
}
