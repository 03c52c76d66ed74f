// Bare saga, process 3 of 3 (payments): on `stock.reserved` the payment authorized in one
// transaction with its inbox row and a `payment.authorized` outbox row.
import { v7 as uuidv7 } from 'uuid';
import { consume, startSagaProcess, writeOutbox } from './saga-kit.js';

const saga = await startSagaProcess('saga_payments');

await consume(saga, `${saga.exchange}.payments`, async (client, _type, data) => {
  const paymentId = uuidv7();
  await client.query({
    name: 'insert-payment',
    text: 'insert into payments (id, order_id, amount) values ($1, $2, $3) on conflict (order_id) do nothing',
    values: [paymentId, data.orderId, data.total],
  });
  await writeOutbox(client, uuidv7(), 'payment.authorized', { orderId: data.orderId, paymentId });
});
await saga.serve();
