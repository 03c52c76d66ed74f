// Bare saga, process 2 of 3 (catalog): the price lookup over HTTP, and on `order.created` the
// stock reserved in one transaction with its inbox row and a `stock.reserved` outbox row.
import { v7 as uuidv7 } from 'uuid';
import { consume, startSagaProcess, writeOutbox } from './saga-kit.js';

const saga = await startSagaProcess('saga_catalog');

saga.app.get<{ Params: { id: string } }>('/prices/:id', async (request, reply) => {
  saga.stats.httpCalls += 1;
  const { rows } = await saga.pool.query({
    name: 'price-by-id',
    text: 'select item_id as id, price from stock where item_id = $1',
    values: [Number(request.params.id)],
  });
  if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return rows[0];
});

await consume(saga, `${saga.exchange}.catalog`, async (client, _type, data) => {
  const reserved = await client.query({
    name: 'reserve',
    text: 'update stock set available = available - $2 where item_id = $1 and available >= $2',
    values: [data.itemId, data.quantity],
  });
  const orderId = data.orderId as string;
  if (reserved.rowCount === 1) {
    await writeOutbox(client, uuidv7(), 'stock.reserved', { orderId, total: data.total });
  } else {
    await writeOutbox(client, uuidv7(), 'stock.rejected', { orderId });
  }
});
await saga.serve();
