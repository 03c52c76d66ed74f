import amqp, { type GetMessage } from 'amqplib';
import { HEADERS } from './subscription.js';
import { exchangeNames, queueNames } from './topology.js';

export interface ReplayOptions {
  url: string;
  /** The subscription's logical queue (`catalog.orders`); its DLQ is `<queue>.dlq`. */
  queue: string;
  namespace?: string;
  /** Most messages moved (default: all there are when the replay starts). */
  limit?: number;
  /** Only messages this returns true for are moved; the others stay in the DLQ. */
  filter?: (message: GetMessage) => boolean;
}

/**
 * Moves dead-lettered messages back into their queue for another try (after the bug is fixed
 * or the missing data arrived). Each message is republished straight to the queue, with its id,
 * body and trace context and a fresh attempt count, confirmed, and only then removed from the
 * DLQ; a replayed message that was already handled is absorbed by the inbox.
 */
export async function replayDeadLetters(
  options: ReplayOptions,
): Promise<{ replayed: number; skipped: number }> {
  const names = queueNames(options.namespace ?? '', options.queue, []);
  const connection = await amqp.connect(options.url, { noDelay: true });
  connection.on('error', () => undefined);
  let replayed = 0;
  let skipped = 0;
  try {
    const channel = await connection.createConfirmChannel();
    const returned = new Set<string>();
    channel.on('return', (back: GetMessage) => returned.add(String(back.properties.messageId)));
    const { messageCount } = await channel.checkQueue(names.deadLetter);
    const limit = Math.min(options.limit ?? messageCount, messageCount);
    const keep: GetMessage[] = [];
    while (replayed + skipped < limit) {
      const message = await channel.get(names.deadLetter, { noAck: false });
      if (!message) break;
      if (options.filter && !options.filter(message)) {
        keep.push(message);
        skipped++;
        continue;
      }
      const headers: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(message.properties.headers ?? {})) {
        if (key === HEADERS.attempts || key === 'x-death' || key.startsWith('x-first-death'))
          continue;
        if (key === HEADERS.deadLetterKind || key === HEADERS.deadLetterReason) continue;
        headers[key] = value;
      }
      const deadLetter = message.properties.headers?.[HEADERS.deadLetterReason];
      if (deadLetter !== undefined) headers['x-bazaar-replayed-from'] = String(deadLetter);
      // Through the retries exchange (bound to the main queue under its name), `mandatory`: a
      // message that reaches no queue is not confirmed away from the DLQ.
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          exchangeNames(options.namespace ?? '').retries,
          names.main,
          message.content,
          {
            messageId: message.properties.messageId,
            type: message.properties.type,
            appId: message.properties.appId,
            contentType: message.properties.contentType,
            timestamp: message.properties.timestamp,
            persistent: true,
            mandatory: true,
            headers,
          },
          (error: unknown) => (error ? reject(error as Error) : resolve()),
        );
      });
      if (returned.has(String(message.properties.messageId)))
        throw new Error(`${names.main} does not exist: start its consumer first`);
      channel.ack(message);
      replayed++;
    }
    // Unacked messages we skipped go back to the DLQ when the channel closes.
    for (const message of keep) channel.nack(message, false, true);
    await channel.close();
  } finally {
    await connection.close().catch(() => undefined);
  }
  return { replayed, skipped };
}
