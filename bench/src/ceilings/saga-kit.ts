// What the three bare-saga processes share: a pg pool and a confirm channel with TCP_NODELAY, an
// outbox relay publishing with confirms, and a consumer applying each message in one transaction
// with its inbox row. The least a saga step can do and keep the outbox/inbox guarantees; no
// validation, auth, tracing or metrics.
import amqp, { type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { serveCeiling } from './spawn-server.js';

export interface SagaProcess {
  pool: pg.Pool;
  channel: ConfirmChannel;
  exchange: string;
  /** Counts the process serves at `GET /stats`. */
  stats: { published: number; consumed: number; httpCalls: number };
  app: FastifyInstance;
  relay: Relay;
  serve(): Promise<void>;
}

export interface Relay {
  /** Something was committed to the outbox: publish it soon. */
  wake(): void;
}

/** Connects one saga process to its schema (`search_path`), the broker and an HTTP port. */
export async function startSagaProcess(schema: string): Promise<SagaProcess> {
  const pool = new pg.Pool({
    connectionString: process.env.BENCH_DATABASE_URL,
    max: 10,
    idleTimeoutMillis: 0,
    options: `-c search_path=${schema}`,
  });
  pool.on('connect', (client) => {
    (
      client as unknown as { connection: { stream: { setNoDelay(on: boolean): void } } }
    ).connection.stream.setNoDelay(true);
  });
  const connection = await amqp.connect(process.env.BENCH_AMQP_URL!, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  const exchange = process.env.BENCH_EXCHANGE!;
  const stats = { published: 0, consumed: 0, httpCalls: 0 };
  const app = Fastify({ logger: false });
  app.get('/stats', async () => stats);
  const relay = startRelay(pool, channel, exchange, stats);
  return {
    pool,
    channel,
    exchange,
    stats,
    app,
    relay,
    serve: () =>
      serveCeiling(app, async () => {
        await connection.close();
        await pool.end();
      }),
  };
}

const BATCH = 100;

/**
 * The outbox relay: one round takes the unsent rows (`FOR UPDATE SKIP LOCKED`, as with several
 * replicas), publishes them, waits for the broker's confirms and marks them sent, in one
 * transaction. Rounds run one at a time; a wake during a round asks for another.
 */
function startRelay(
  pool: pg.Pool,
  channel: ConfirmChannel,
  exchange: string,
  stats: SagaProcess['stats'],
): Relay {
  let running = false;
  let again = false;
  const round = async (): Promise<number> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ id: string; routing_key: string; payload: unknown }>({
        name: 'outbox-take',
        text: 'select id, routing_key, payload from outbox where sent_at is null order by id limit $1 for update skip locked',
        values: [BATCH],
      });
      for (const row of rows) {
        channel.publish(exchange, row.routing_key, Buffer.from(JSON.stringify(row.payload)), {
          persistent: true,
          messageId: row.id,
        });
      }
      if (rows.length > 0) {
        await channel.waitForConfirms();
        await client.query({
          name: 'outbox-sent',
          text: 'update outbox set sent_at = now() where id = any($1)',
          values: [rows.map((r) => r.id)],
        });
      }
      await client.query('commit');
      stats.published += rows.length;
      return rows.length;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const run = async () => {
    running = true;
    try {
      let taken: number;
      do {
        again = false;
        taken = await round();
      } while (again || taken === BATCH);
    } catch (error) {
      process.stderr.write(`relay: ${String(error)}\n`);
    } finally {
      running = false;
    }
  };
  return {
    wake() {
      if (running) again = true;
      else void run();
    },
  };
}

/**
 * Consumes a queue with manual acks and a bounded prefetch: each message in one transaction with
 * its inbox row (a redelivery is a no-op), `apply` writing the effect and any outbox rows; acked
 * after the commit, then the relay is woken.
 */
export async function consume(
  saga: SagaProcess,
  queue: string,
  apply: (client: pg.PoolClient, type: string, data: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  await saga.channel.prefetch(50);
  await saga.channel.consume(queue, (message: ConsumeMessage | null) => {
    if (!message) return;
    void (async () => {
      const client = await saga.pool.connect();
      try {
        await client.query('begin');
        const inbox = await client.query({
          name: 'inbox-insert',
          text: 'insert into inbox (id) values ($1) on conflict do nothing',
          values: [message.properties.messageId],
        });
        if (inbox.rowCount === 1) {
          await apply(client, message.fields.routingKey, JSON.parse(message.content.toString()));
        }
        await client.query('commit');
        saga.stats.consumed += 1;
        saga.channel.ack(message);
        saga.relay.wake();
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        process.stderr.write(`consumer ${queue}: ${String(error)}\n`);
        saga.channel.nack(message, false, true);
      } finally {
        client.release();
      }
    })();
  });
}

/** Writes an outbox row in the caller's transaction. */
export async function writeOutbox(
  client: pg.PoolClient,
  id: string,
  routingKey: string,
  payload: object,
): Promise<void> {
  await client.query({
    name: 'outbox-insert',
    text: 'insert into outbox (id, routing_key, payload) values ($1, $2, $3)',
    values: [id, routingKey, JSON.stringify(payload)],
  });
}
