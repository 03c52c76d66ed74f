/**
 * Moves a subscription's dead letters back into its queue:
 *   AMQP_URL=amqp://... node --conditions=@bazaar/source --import tsx \
 *     libs/messaging/scripts/replay-dlq.ts <queue> [limit]
 * e.g. `catalog.orders 10`. `AMQP_NAMESPACE` is honoured like the services do.
 */
import { replayDeadLetters } from '../src/index.js';

const [queue, limit] = process.argv.slice(2);
if (!queue) {
  process.stderr.write('usage: replay-dlq.ts <queue> [limit]\n');
  process.exit(2);
}
const result = await replayDeadLetters({
  url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  namespace: process.env.AMQP_NAMESPACE ?? '',
  queue,
  limit: limit ? Number(limit) : undefined,
});
process.stdout.write(`replayed ${result.replayed} message(s) from ${queue}.dlq into ${queue}\n`);
