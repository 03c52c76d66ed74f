import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  Events,
  PUBLISHERS,
  validateEnvelope,
  type EventData,
  type EventEnvelope,
  type EventType,
} from '@bazaar/contracts';
import amqp from 'amqplib';
import { v7 as uuidv7 } from 'uuid';
import { InvalidEventError } from './write-event.js';
import { declaredQueues, exchangeNames, forgetNamespace } from './topology.js';
import { currentTraceContext } from './tracing.js';

/** The broker tests run against: `TEST_AMQP_URL` or the local default. */
export function testAmqpUrl(): string {
  return process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
}

/**
 * Runs `rabbitmqctl` against the broker the tests use: the node named by `TEST_RABBITMQ_NODE`
 * (`rabbitmqctl -n <node>`), else the local default node. Point `TEST_AMQP_URL` and
 * `TEST_RABBITMQ_NODE` at a private node to run the disruptive tests beside a shared broker.
 * Resolves with its standard output.
 */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const node = process.env.TEST_RABBITMQ_NODE;
  const { stdout } = await promisify(execFile)(
    'rabbitmqctl',
    [...(node ? ['-n', node] : []), ...args],
    { timeout: 120_000 },
  );
  return stdout;
}

/** A unique prefix for one test file's exchanges and queues (`test.<label>.<random>.`). */
export function testNamespace(label: string): string {
  return `test.${label.replace(/[^\w-]/g, '_')}.${randomBytes(4).toString('hex')}.`;
}

export interface CapturedEvents {
  /** Every event received so far, in arrival order. */
  events: EventEnvelope[];
  /** Resolves with the first event (already received or arriving) matching `predicate`. */
  waitFor<T extends EventType = EventType>(
    predicate: (event: EventEnvelope) => boolean,
    timeoutMs?: number,
  ): Promise<EventEnvelope<T>>;
  close(): Promise<void>;
}

/**
 * Listens to the namespace's events exchange on a temporary queue, as an outside observer:
 * what a service published, checked by a test. `types` defaults to every event.
 */
export async function captureEvents(options: {
  url?: string;
  namespace: string;
  types?: EventType[];
}): Promise<CapturedEvents> {
  const connection = await amqp.connect(options.url ?? testAmqpUrl(), { noDelay: true });
  connection.on('error', () => undefined);
  const channel = await connection.createChannel();
  const { events: exchange } = exchangeNames(options.namespace);
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  for (const type of options.types ?? ['#']) await channel.bindQueue(queue, exchange, type);

  const events: EventEnvelope[] = [];
  let listeners: Array<() => void> = [];
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      try {
        events.push(JSON.parse(message.content.toString('utf8')) as EventEnvelope);
      } catch {
        // Not an event: not the observer's business.
      }
      for (const listener of listeners) listener();
    },
    { noAck: true },
  );

  return {
    events,
    waitFor<T extends EventType>(predicate: (event: EventEnvelope) => boolean, timeoutMs = 20_000) {
      return new Promise<EventEnvelope<T>>((resolve, reject) => {
        const found = () => events.find(predicate) as EventEnvelope<T> | undefined;
        const now = found();
        if (now) return resolve(now);
        const timer = setTimeout(() => {
          listeners = listeners.filter((l) => l !== check);
          reject(new Error(`no matching event within ${timeoutMs} ms (${events.length} seen)`));
        }, timeoutMs);
        const check = () => {
          const event = found();
          if (!event) return;
          clearTimeout(timer);
          listeners = listeners.filter((l) => l !== check);
          resolve(event);
        };
        listeners.push(check);
      });
    },
    async close() {
      await connection.close().catch(() => undefined);
    },
  };
}

/**
 * Publishes an event onto the namespace's exchange as another service would (valid envelope,
 * persistent, confirmed, with the active trace context; `source` defaults to the type's declared
 * publisher, `PUBLISHERS` of `@bazaar/contracts`); returns its envelope. Fails when no
 * queue is bound to the type — the subscriber under test has not started yet.
 */
export async function publishEvent<T extends EventType>(options: {
  url?: string;
  namespace: string;
  type: T;
  data: EventData<T>;
  id?: string;
  source?: string;
  time?: string;
  /** Skip the schema check, to see how a consumer treats a bad event. */
  validate?: boolean;
}): Promise<EventEnvelope<T>> {
  const envelope: EventEnvelope<T> = {
    id: options.id ?? uuidv7(),
    type: options.type,
    version: Events[options.type]?.current ?? 1,
    time: options.time ?? new Date().toISOString(),
    source: options.source ?? PUBLISHERS[options.type] ?? 'test',
    data: options.data,
  };
  if (options.validate !== false) {
    const problems = validateEnvelope(envelope);
    if (problems.length) throw new InvalidEventError(options.type, problems);
  }
  const connection = await amqp.connect(options.url ?? testAmqpUrl(), { noDelay: true });
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    let returned = false;
    channel.on('return', () => (returned = true));
    const { events: exchange } = exchangeNames(options.namespace);
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        exchange,
        options.type,
        Buffer.from(JSON.stringify(envelope)),
        {
          messageId: envelope.id,
          type: envelope.type,
          appId: envelope.source,
          contentType: 'application/json',
          persistent: true,
          mandatory: true,
          headers: { ...currentTraceContext() },
        },
        (error: unknown) => (error ? reject(error as Error) : resolve()),
      );
    });
    if (returned) throw new Error(`no queue in ${options.namespace} is bound to ${options.type}`);
    return envelope;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Deletes a namespace's exchanges and the queues declared in this process under it (and any
 * named in `queues`): a test file's cleanup.
 */
export async function deleteNamespace(options: {
  url?: string;
  namespace: string;
  queues?: string[];
}): Promise<void> {
  if (!options.namespace) throw new Error('refusing to delete the production namespace');
  const connection = await amqp.connect(options.url ?? testAmqpUrl(), { noDelay: true });
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    const queues = new Set([
      ...declaredQueues(options.namespace),
      ...(options.queues ?? []).map((q) =>
        q.startsWith(options.namespace) ? q : options.namespace + q,
      ),
    ]);
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of Object.values(exchangeNames(options.namespace))) {
      await channel.deleteExchange(exchange);
    }
    forgetNamespace(options.namespace);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
