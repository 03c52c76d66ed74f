import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
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
 * Messages ready in a queue (not delivered to a consumer, or returned unacked), asked of the
 * broker itself (`queue.declare` passive): 0 once a consumer's prefetch took them all.
 */
export async function readyCount(url: string, queue: string): Promise<number> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * The broker's management HTTP API the tests drive it through (listing and deleting a test's
 * queues and exchanges, closing its connections): `RABBITMQ_MANAGEMENT_URL`, else port 15672 on
 * the host of `TEST_AMQP_URL`, with its credentials. The same rule as the global setup of
 * `pnpm test` (scripts/infrastructure.cjs), which checks that it answers.
 */
export function testManagementUrl(): string {
  if (process.env.RABBITMQ_MANAGEMENT_URL) return process.env.RABBITMQ_MANAGEMENT_URL;
  const amqp = new URL(testAmqpUrl());
  const url = new URL(`http://${amqp.hostname}:15672/`);
  url.username = amqp.username || 'guest';
  url.password = amqp.password || 'guest';
  return url.toString();
}

/**
 * One call to the management API; resolves with its JSON (undefined for 204 and 404: what
 * should be gone is gone). `path` is under `/api/`, e.g. `queues/%2F`.
 */
export async function managementApi<T = unknown>(
  method: 'GET' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T | undefined> {
  const api = new URL(testManagementUrl());
  const user = decodeURIComponent(api.username || 'guest');
  const password = decodeURIComponent(api.password || 'guest');
  api.username = '';
  api.password = '';
  const response = await fetch(new URL(`/api/${path}`, api), {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 404 || response.status === 204) return undefined;
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /api/${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The virtual host of an AMQP URL, for management API paths (`%2F` for the default). */
function vhostOf(url: string): string {
  const path = decodeURIComponent(new URL(url).pathname.slice(1));
  return encodeURIComponent(path || '/');
}

/** Names of the broker's queues (or exchanges) starting with `prefix`, in the URL's vhost. */
export async function brokerObjects(
  kind: 'queues' | 'exchanges',
  prefix: string,
  url = testAmqpUrl(),
): Promise<string[]> {
  const all = await managementApi<Array<{ name: string }>>(
    'GET',
    `${kind}/${vhostOf(url)}?columns=name`,
  );
  return (all ?? []).map((o) => o.name).filter((name) => name.startsWith(prefix));
}

/**
 * Has the broker close the connections whose client-given name starts with `namePrefix` (only
 * a test's own: other files share the broker), as it does on a forced close; resolves with how
 * many it closed. The management API lists a new connection only once the broker has emitted
 * its statistics (every 5 s by default), so this waits up to `waitMs` for at least one to show.
 */
export async function closeConnections(namePrefix: string, waitMs = 15_000): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const connections = await managementApi<
      Array<{ name: string; client_properties?: { connection_name?: string } }>
    >('GET', 'connections?columns=name,client_properties');
    const ours = (connections ?? []).filter((c) =>
      c.client_properties?.connection_name?.startsWith(namePrefix),
    );
    if (ours.length > 0 || Date.now() >= deadline) {
      for (const connection of ours) {
        await managementApi('DELETE', `connections/${encodeURIComponent(connection.name)}`);
      }
      return ours.length;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A TCP gate in front of the broker, for outage drills: see `startBrokerGate`. */
export interface BrokerGate {
  /** The AMQP URL through the gate: the target's, with the gate's host and port. */
  readonly url: string;
  /** How many connections are open through the gate now. */
  readonly connections: number;
  /**
   * The broker "goes down": every open connection is closed (the client's side and the
   * broker's), and new ones are reset as soon as they open, until `restore()`.
   */
  cut(): void;
  /** The broker is "back": new connections go through again. */
  restore(): void;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * A small TCP proxy on 127.0.0.1 (a port the OS picks) to the broker at `target` (the tests'
 * broker by default): what a test connects its services through (their AMQP URL is the gate's
 * `url`) so it can take the broker away from them — `cut()` drops their connections and refuses
 * their reconnects as a stopped RabbitMQ does — while the real broker, shared with other test
 * files, keeps running and keeps the queued messages. No node control (`rabbitmqctl`) needed.
 */
export async function startBrokerGate(options: { target?: string } = {}): Promise<BrokerGate> {
  const target = new URL(options.target ?? testAmqpUrl());
  const host = target.hostname;
  const port = Number(target.port || 5672);
  /** Each open connection: the client's socket and the broker's. */
  const pairs = new Map<Socket, Socket>();
  let isCut = false;

  const server = createServer((client) => {
    if (isCut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host, port });
    pairs.set(client, upstream);
    const drop = () => {
      pairs.delete(client);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', drop);
      socket.on('close', drop);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);

  const dropAll = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: url.toString(),
    get connections() {
      return pairs.size;
    },
    cut() {
      isCut = true;
      dropAll();
    },
    restore() {
      isCut = false;
    },
    async close() {
      isCut = true;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
 * An event's envelope as its publisher would write it: a new id, the type's current version,
 * now, and `source` the type's declared publisher (`PUBLISHERS` of `@bazaar/contracts`) unless
 * given.
 */
export function testEnvelope<T extends EventType>(
  type: T,
  data: EventData<T>,
  options: { id?: string; source?: string; time?: string } = {},
): EventEnvelope<T> {
  return {
    id: options.id ?? uuidv7(),
    type,
    version: Events[type]?.current ?? 1,
    time: options.time ?? new Date().toISOString(),
    source: options.source ?? PUBLISHERS[type] ?? 'test',
    data,
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
  const envelope = testEnvelope(options.type, options.data, options);
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
 * Deletes a namespace's queues and exchanges — those the broker lists under the prefix (whoever
 * declared them: a service process, a retry queue), those declared in this process and any named
 * in `queues` — a test file's cleanup. Lists through the management API. `own` keeps, of the
 * names listed under the prefix, the namespace's own: a namespace without a separator at its end
 * (`s8`) prefixes others' names too (`s8e…`). Says how many of each it deleted.
 */
export async function deleteNamespace(options: {
  url?: string;
  namespace: string;
  queues?: string[];
  own?: (name: string) => boolean;
}): Promise<{ queues: number; exchanges: number }> {
  if (!options.namespace) throw new Error('refusing to delete the production namespace');
  const url = options.url ?? testAmqpUrl();
  const own = options.own ?? (() => true);
  const [listedQueues, listedExchanges] = await Promise.all([
    brokerObjects('queues', options.namespace, url),
    brokerObjects('exchanges', options.namespace, url),
  ]);
  const connection = await amqp.connect(url, { noDelay: true });
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    const queues = new Set([
      ...listedQueues.filter(own),
      ...declaredQueues(options.namespace),
      ...(options.queues ?? []).map((q) =>
        q.startsWith(options.namespace) ? q : options.namespace + q,
      ),
    ]);
    for (const queue of queues) await channel.deleteQueue(queue);
    const exchanges = new Set([
      ...Object.values(exchangeNames(options.namespace)),
      ...listedExchanges.filter(own),
    ]);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
    forgetNamespace(options.namespace);
    return { queues: queues.size, exchanges: exchanges.size };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
