// Bare saga, process 1 of 3 (orders): accepts an order over HTTP with a price lookup over HTTP
// (to the catalog process) and one transaction writing the order and its `order.created` outbox
// row; the relay publishes it with confirms. Applies `stock.reserved` and `payment.authorized`
// to the order, each in one transaction with its inbox row.
import { Pool } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { consume, startSagaProcess, writeOutbox } from './saga-kit.js';

const saga = await startSagaProcess('saga_orders');
const prices = new Pool(process.env.BENCH_PRICES_URL!, { connections: 20 });

saga.app.post<{ Body: { itemId: number; quantity: number } }>('/orders', async (request, reply) => {
  const lookup = await prices.request({ path: `/prices/${request.body.itemId}`, method: 'GET' });
  const item = (await lookup.body.json()) as { id: number; price: number };
  const id = uuidv7();
  const total = item.price * request.body.quantity;
  const client = await saga.pool.connect();
  try {
    await client.query('begin');
    await client.query({
      name: 'insert-order',
      text: "insert into orders (id, item_id, quantity, total, status) values ($1, $2, $3, $4, 'pending')",
      values: [id, item.id, request.body.quantity, total],
    });
    await writeOutbox(client, uuidv7(), 'order.created', {
      orderId: id,
      itemId: item.id,
      quantity: request.body.quantity,
      total,
    });
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  saga.relay.wake();
  return reply.code(202).send({ id });
});

await consume(saga, `${saga.exchange}.orders`, async (client, type, data) => {
  await client.query(
    type === 'payment.authorized'
      ? {
          name: 'order-confirmed',
          text: "update orders set status = 'confirmed', confirmed_at = clock_timestamp() where id = $1 and status in ('pending', 'stock_reserved')",
          values: [data.orderId],
        }
      : {
          name: 'order-stock-reserved',
          text: "update orders set status = 'stock_reserved' where id = $1 and status = 'pending'",
          values: [data.orderId],
        },
  );
});
await saga.serve();
