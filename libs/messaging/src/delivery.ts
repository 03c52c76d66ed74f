import { validateEnvelope, type EventEnvelope } from '@bazaar/contracts';
import type { ConsumeMessage } from 'amqplib';
import type { DeadLetterKind, EventHandler, EventHandlers } from './subscription.js';

/** A delivery this subscription will apply: its event and the handler of its type. */
export interface Accepted<DB> {
  event: EventEnvelope;
  handler: EventHandler<DB>;
}

/** A delivery that goes to the dead-letter queue at once, and why. */
export interface Refused {
  kind: DeadLetterKind;
  reason: string;
  /** Present when the body was a valid envelope (its ids become span attributes). */
  event?: EventEnvelope;
}

export interface DeliveryRules<DB> {
  queue: string;
  handlers: EventHandlers<DB>;
  /** The namespaced events exchange (its routing key must be the event's type). */
  eventsExchange: string;
  /** Who may publish each type (the envelope's `source`); any source when absent. */
  publishers?: Readonly<Partial<Record<string, string>>>;
}

/** Reads a delivery: a valid envelope from its declared publisher, of a type handled here. */
export function readDelivery<DB>(
  message: ConsumeMessage,
  rules: DeliveryRules<DB>,
): Accepted<DB> | Refused {
  let envelope: unknown;
  try {
    envelope = JSON.parse(message.content.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'the body is not JSON' };
  }
  const problems = validateEnvelope(envelope);
  if (problems.length) return { kind: 'invalid', reason: problems.join('; ') };
  const event = envelope as EventEnvelope;
  const forbidden = forbiddenReason(event, message, rules);
  if (forbidden) return { kind: 'forbidden', reason: forbidden, event };
  const handler = rules.handlers[event.type] as EventHandler<DB> | undefined;
  if (!handler) {
    return { kind: 'unhandled', reason: `${rules.queue} has no handler for ${event.type}`, event };
  }
  return { event, handler };
}

/**
 * Why this service must not believe the event's publisher, or undefined: its `source` is not
 * the declared publisher of its type, or the AMQP `appId` or routing key say otherwise than
 * its envelope (a publisher allowed one routing key carrying another type).
 */
function forbiddenReason<DB>(
  event: EventEnvelope,
  message: ConsumeMessage,
  rules: DeliveryRules<DB>,
): string | undefined {
  const expected = rules.publishers?.[event.type];
  if (rules.publishers && event.source !== expected) {
    return `${event.type} may come only from ${expected ?? 'nobody'}, not from ${event.source}`;
  }
  const appId = message.properties.appId as string | undefined;
  if (appId !== undefined && appId !== event.source) {
    return `published by ${appId} as ${event.source}`;
  }
  if (
    message.fields.exchange === rules.eventsExchange &&
    message.fields.routingKey !== event.type
  ) {
    return `${event.type} published under routing key ${message.fields.routingKey}`;
  }
  return undefined;
}
