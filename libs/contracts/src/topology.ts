import type { EventType } from './envelope.js';

/**
 * Who may publish each event type: a consumer accepts an event only when its envelope's `source`
 * is this service (anything else is dead-lettered as `forbidden`). Broker permissions enforce
 * the same map (docs/deploy.md, "Broker users and permissions").
 */
export const PUBLISHERS = {
  'product.created': 'catalog',
  'product.updated': 'catalog',
  'product.deleted': 'catalog',
  'stock.reserved': 'catalog',
  'stock.rejected': 'catalog',
  'order.created': 'orders',
  'order.confirmed': 'orders',
  'order.cancelled': 'orders',
  'order.shipped': 'orders',
  'payment.authorized': 'payments',
  'payment.failed': 'payments',
  'payment.refunded': 'payments',
  'payment.capture_failed': 'payments',
  'user.registered': 'users',
} as const satisfies Record<EventType, string>;

/** One durable queue: the service that consumes it and the event types bound to it. */
export interface SubscriptionDeclaration {
  service: string;
  types: readonly EventType[];
  /** The quorum queue's `x-delivery-limit` (default 10). */
  deliveryLimit?: number;
}

/** Which service may publish which types, and which queue receives which types. */
export interface Topology {
  publishers: Readonly<Partial<Record<EventType, string>>>;
  subscriptions: Readonly<Record<string, SubscriptionDeclaration>>;
}

/**
 * Every subscription in the system, by queue name. Every service declares all of them (queues,
 * dead-letter queues, bindings) whenever it connects, before it publishes anything: an event
 * published before its consumer ever started waits in the consumer's queue instead of being
 * lost. A service's `subscribe` calls must match its entries here exactly; to consume a new
 * type, add it to the queue's `types` and a handler in the service's `src/events/subscriptions.ts`.
 */
export const SUBSCRIPTIONS = {
  'catalog.orders': { service: 'catalog', types: ['order.created', 'order.cancelled'] },
  'orders.saga': {
    service: 'orders',
    types: [
      'stock.reserved',
      'stock.rejected',
      'payment.authorized',
      'payment.failed',
      'payment.refunded',
      'payment.capture_failed',
    ],
  },
  'payments.stock': { service: 'payments', types: ['stock.reserved'] },
  'payments.orders': { service: 'payments', types: ['order.cancelled', 'order.shipped'] },
  'search.products': {
    service: 'search',
    types: ['product.created', 'product.updated', 'product.deleted'],
  },
} as const satisfies Record<string, SubscriptionDeclaration>;

/** Bazaar's topology: what every service passes to `createMessaging({ topology })`. */
export const TOPOLOGY: Topology = { publishers: PUBLISHERS, subscriptions: SUBSCRIPTIONS };
