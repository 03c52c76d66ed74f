import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { FormatRegistry } from '@sinclair/typebox';
import { Id, Timestamp } from './common.js';
import { Events } from './events.js';

export type EventType = keyof typeof Events;
type CurrentSchema<T extends EventType> =
  (typeof Events)[T]['versions'][(typeof Events)[T]['current']];
/** The data of an event type at its current version. */
export type EventData<T extends EventType> = Static<CurrentSchema<T>>;

/** What travels on the wire: the envelope around every event. */
export interface EventEnvelope<T extends EventType = EventType> {
  /** UUIDv7, also the AMQP `messageId`; consumers deduplicate on it. */
  id: string;
  type: T;
  version: number;
  /** When the fact happened (ISO 8601 UTC). */
  time: string;
  /** The service that published it. */
  source: string;
  data: EventData<T>;
}

export const EnvelopeSchema = Type.Object({
  id: Id,
  type: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  time: Timestamp,
  source: Type.String({ minLength: 1 }),
  data: Type.Unknown(),
});

export const EVENT_TYPES = Object.keys(Events) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(Events, type);
}

/**
 * The order an event is about, for the saga's events (`order.*`, `stock.*`, `payment.*`): each
 * names one in `data.orderId`. The key that keeps one order's deliveries in order on a queue.
 */
export function orderIdOf(event: EventEnvelope): string {
  return (event.data as { orderId: string }).orderId;
}

// TypeBox checks formats only when told how; these two are all the catalogue uses.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value));
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (value) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
      !Number.isNaN(Date.parse(value)),
  );
}

const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema);
const dataChecks = new Map<string, TypeCheck<never>>();
function dataCheck(type: EventType, version: number): TypeCheck<never> | undefined {
  const key = `${type}@${version}`;
  let check = dataChecks.get(key);
  if (!check) {
    const schema = (Events[type].versions as Record<number, object | undefined>)[version];
    if (!schema) return undefined;
    check = TypeCompiler.Compile(schema as never) as TypeCheck<never>;
    dataChecks.set(key, check);
  }
  return check;
}

/**
 * Checks an envelope and its data against the catalogue: a known type, a version still
 * accepted, data of that version's shape. Returns the problems, empty when valid.
 */
export function validateEnvelope(envelope: unknown): string[] {
  if (!envelopeCheck.Check(envelope)) {
    return [...envelopeCheck.Errors(envelope)].map((e) => `envelope${e.path} ${e.message}`);
  }
  const { type, version, data } = envelope as Static<typeof EnvelopeSchema>;
  if (!isEventType(type)) return [`unknown event type ${JSON.stringify(type)}`];
  const check = dataCheck(type, version);
  if (!check) return [`${type} version ${version} is not accepted`];
  // The compiled check first: `Errors` walks the schema interpretively, dear for every valid
  // event (each one is checked when written, relayed and consumed).
  if (check.Check(data)) return [];
  return [...check.Errors(data)].map((e) => `data${e.path} ${e.message}`);
}
