import { Counter, Gauge, type Metric, type Registry } from 'prom-client';

export interface MessagingMetrics {
  published: Counter<'type'>;
  publishFailures: Counter<'reason'>;
  unrouted: Counter<'type'>;
  consumed: Counter<'queue' | 'type'>;
  duplicates: Counter<'queue'>;
  retried: Counter<'queue'>;
  deadLettered: Counter<'queue' | 'reason'>;
}

// prom-client refuses a second metric of the same name in one registry: reuse it, so two
// messaging instances (tests, a relay-only process) can share the app's registry.
function metric<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/**
 * The messaging series in the service's registry: outbox backlog (sampled on scrape),
 * published, consumed, retried and dead-lettered counts.
 */
export function createMessagingMetrics(
  registry: Registry,
  backlog: () => Promise<number>,
  deadLetterDepths: () => Promise<Record<string, number>> = async () => ({}),
  connected: () => boolean = () => false,
): MessagingMetrics {
  const registers = [registry];
  // The broker's state is a metric and an alert, not a readiness check: while the broker is
  // away the service keeps serving and its events wait in the outbox.
  metric(
    registry,
    'messaging_broker_connected',
    () =>
      new Gauge({
        name: 'messaging_broker_connected',
        help: '1 when the broker connection, the publisher channel and every consumer channel are open, else 0',
        registers,
        collect() {
          this.set(connected() ? 1 : 0);
        },
      }),
  );
  metric(
    registry,
    'messaging_dlq_depth',
    () =>
      new Gauge({
        name: 'messaging_dlq_depth',
        help: 'Messages waiting in a dead-letter queue, by subscription queue (asked of the broker on scrape)',
        labelNames: ['queue'],
        registers,
        async collect() {
          try {
            for (const [queue, depth] of Object.entries(await deadLetterDepths())) {
              this.set({ queue }, depth);
            }
          } catch {
            // The broker is away: messaging_broker_connected reports it; keep the last values.
          }
        },
      }),
  );
  metric(
    registry,
    'messaging_outbox_backlog',
    () =>
      new Gauge({
        name: 'messaging_outbox_backlog',
        help: 'Outbox events written but not yet published',
        registers,
        async collect() {
          try {
            this.set(await backlog());
          } catch {
            // The database is away: readiness reports it; keep the last value.
          }
        },
      }),
  );
  return {
    published: metric(
      registry,
      'messaging_published_total',
      () =>
        new Counter({
          name: 'messaging_published_total',
          help: 'Outbox events published and confirmed by the broker, by event type',
          labelNames: ['type'],
          registers,
        }),
    ),
    publishFailures: metric(
      registry,
      'messaging_publish_failures_total',
      () =>
        new Counter({
          name: 'messaging_publish_failures_total',
          help: 'Outbox publishes that failed (nacked, broker away), by reason',
          labelNames: ['reason'],
          registers,
        }),
    ),
    unrouted: metric(
      registry,
      'messaging_unrouted_total',
      () =>
        new Counter({
          name: 'messaging_unrouted_total',
          help: 'Events the broker returned because no queue is bound to their type, by type',
          labelNames: ['type'],
          registers,
        }),
    ),
    consumed: metric(
      registry,
      'messaging_consumed_total',
      () =>
        new Counter({
          name: 'messaging_consumed_total',
          help: 'Messages handled and acknowledged, by queue and event type',
          labelNames: ['queue', 'type'],
          registers,
        }),
    ),
    duplicates: metric(
      registry,
      'messaging_duplicates_total',
      () =>
        new Counter({
          name: 'messaging_duplicates_total',
          help: 'Redelivered messages the inbox had already seen (no second effect), by queue',
          labelNames: ['queue'],
          registers,
        }),
    ),
    retried: metric(
      registry,
      'messaging_retried_total',
      () =>
        new Counter({
          name: 'messaging_retried_total',
          help: 'Failed handlings sent to a delayed retry, by queue',
          labelNames: ['queue'],
          registers,
        }),
    ),
    deadLettered: metric(
      registry,
      'messaging_dead_lettered_total',
      () =>
        new Counter({
          name: 'messaging_dead_lettered_total',
          help: 'Messages sent to the dead-letter queue, by queue and reason (invalid, permanent, exhausted)',
          labelNames: ['queue', 'reason'],
          registers,
        }),
    ),
  };
}
