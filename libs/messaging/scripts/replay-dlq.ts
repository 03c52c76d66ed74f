/**
 * Moves a subscription's dead letters back into its queue:
 *   pnpm --filter @bazaar/messaging replay-dlq -- <queue> [limit]
 * e.g. `catalog.orders 10`. `AMQP_URL` and `AMQP_NAMESPACE` are honoured like the services do.
 */
import { commandLine, UsageError, wholeNumber } from '@bazaar/cli';
import { replayDeadLetters } from '../src/index.js';

const { queue, limit } = commandLine(
  {
    name: 'replay-dlq',
    command: 'pnpm --filter @bazaar/messaging replay-dlq --',
    summary:
      "Moves a subscription's dead letters (<queue>.dlq) back into <queue>, oldest first " +
      '(AMQP_URL, AMQP_NAMESPACE as the services read them).',
    positionals: [
      { name: 'queue', required: true, description: 'the subscription queue, e.g. catalog.orders' },
      { name: 'limit', description: 'move at most this many (default: all)' },
    ],
  },
  ({ positionals: [queue, limit] }) => {
    if (!/^[\w.-]+$/.test(queue!)) {
      throw new UsageError(`<queue> must be a queue name like catalog.orders, got '${queue}'`);
    }
    return { queue: queue!, limit: wholeNumber('limit', limit, { min: 1 }) };
  },
);
const result = await replayDeadLetters({
  url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  namespace: process.env.AMQP_NAMESPACE ?? '',
  queue,
  limit,
});
process.stdout.write(`replayed ${result.replayed} message(s) from ${queue}.dlq into ${queue}\n`);
