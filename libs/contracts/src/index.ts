export { Id, Money, Timestamp } from './common.js';
export { Events, CancelReason, PaymentFailureReason } from './events.js';
export {
  EnvelopeSchema,
  EVENT_TYPES,
  isEventType,
  orderIdOf,
  validateEnvelope,
  type EventData,
  type EventEnvelope,
  type EventType,
} from './envelope.js';
export {
  PUBLISHERS,
  SUBSCRIPTIONS,
  TOPOLOGY,
  type SubscriptionDeclaration,
  type Topology,
} from './topology.js';
