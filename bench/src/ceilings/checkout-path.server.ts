// Ceiling 3: the bare checkout path — a price lookup over HTTP (to ceiling 2's kind of route),
// one transaction writing the order and its outbox row, and one confirmed publish. Everything the
// real checkout must do at minimum, with none of the platform's validation, auth or tracing.
import amqp from 'amqplib';
import Fastify from 'fastify';
import pg from 'pg';
import { Pool } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { serveCeiling } from './spawn-server.js';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const prices = new Pool(process.env.BENCH_PRICES_URL!, { connections: 20 });
const connection = await amqp.connect(process.env.BENCH_AMQP_URL!);
const channel = await connection.createConfirmChannel();
const exchange = process.env.BENCH_EXCHANGE!;
await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });

const app = Fastify({ logger: false });
app.post<{ Body: { itemId: number; quantity: number } }>('/orders', async (request, reply) => {
  const lookup = await prices.request({ path: `/items/${request.body.itemId}`, method: 'GET' });
  const item = (await lookup.body.json()) as { id: number; price: number };
  const id = uuidv7();
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query({
      name: 'insert-order',
      text: 'insert into bench_order (id, item_id, quantity, total) values ($1, $2, $3, $4)',
      values: [id, item.id, request.body.quantity, item.price * request.body.quantity],
    });
    await client.query({
      name: 'insert-outbox',
      text: 'insert into bench_outbox (id, payload) values ($1, $2)',
      values: [id, JSON.stringify({ id, item: item.id })],
    });
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  await new Promise<void>((resolve, reject) =>
    channel.publish(
      exchange,
      'order.created',
      Buffer.from(JSON.stringify({ id })),
      { persistent: true, messageId: id },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  return reply.code(202).send({ id });
});
await serveCeiling(app, async () => {
  await connection.close();
  await Promise.all([pool.end(), prices.close()]);
});
