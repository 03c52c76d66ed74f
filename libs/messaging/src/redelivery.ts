import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { UnroutableError } from './errors.js';
import type { Logger } from './logger.js';
import type { MessagingMetrics } from './metrics.js';
import {
  HEADERS,
  errorText,
  type DeadLetterKind,
  type SubscriptionSettings,
} from './subscription.js';
import type { exchangeNames, queueNames } from './topology.js';

export interface RedeliveryOptions {
  queue: string;
  names: ReturnType<typeof queueNames>;
  exchanges: ReturnType<typeof exchangeNames>;
  settings: SubscriptionSettings;
  logger: Logger;
  metrics: MessagingMetrics;
}

/**
 * What becomes of a message that is not simply acked after its commit: a failed one goes to the
 * next delayed retry queue (its attempts counted in a header), then to the dead-letter queue; an
 * invalid one to the dead-letter queue at once. Each copy is published `mandatory` and confirmed
 * before the original is acked; a copy returned or not confirmed throws, and the original stays
 * unacked (it comes back).
 */
export class Redelivery {
  // Filled by `basic.return` (sent before the confirm of the same message): a retry or
  // dead-letter republish that reached no queue. One set per channel.
  private readonly returned = new WeakMap<ConfirmChannel, Set<string>>();

  constructor(private readonly options: RedeliveryOptions) {}

  /** Starts noting the copies the broker returns on this (fresh) channel. */
  watch(channel: ConfirmChannel): void {
    const returned = new Set<string>();
    this.returned.set(channel, returned);
    channel.on('return', (message: ConsumeMessage) => {
      const id = message.properties.messageId as string | undefined;
      if (id) returned.add(id);
    });
  }

  /** After a failed attempt: to the attempt's retry queue, or dead-lettered when none is left. */
  async retry(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    event: { id: string; type: string },
    error: unknown,
  ): Promise<void> {
    const { queue, settings, names, exchanges, logger, metrics } = this.options;
    const headers = message.properties.headers ?? {};
    const failures = Number(headers[HEADERS.attempts] ?? 0) + 1;
    const delays = settings.retryDelaysMs;
    if (failures > delays.length) {
      return this.deadLetter(
        channel,
        message,
        'exhausted',
        `failed ${failures} times; last: ${errorText(error)}`,
      );
    }
    logger.warn(
      {
        err: error,
        eventId: event.id,
        type: event.type,
        queue,
        attempt: failures,
        retryInMs: delays[failures - 1],
      },
      'handler failed; retrying later',
    );
    // Into the attempt's retry queue through the retries exchange (no write on the default
    // exchange needed); it dead-letters back into the main queue after its TTL.
    await this.republish(channel, message, exchanges.retries, names.retries[failures - 1]!, {
      [HEADERS.attempts]: failures,
      [HEADERS.lastError]: errorText(error),
    });
    metrics.retried.inc({ queue });
  }

  async deadLetter(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    kind: DeadLetterKind,
    reason: string,
  ): Promise<void> {
    const { queue, names, exchanges, logger, metrics } = this.options;
    logger.error(
      { messageId: message.properties.messageId, queue, kind, reason },
      'message dead-lettered',
    );
    await this.republish(channel, message, exchanges.deadLetters, names.deadLetter, {
      [HEADERS.deadLetterKind]: kind,
      [HEADERS.deadLetterReason]: reason,
      [HEADERS.deadLetteredAt]: new Date().toISOString(),
      [HEADERS.queue]: queue,
    });
    metrics.deadLettered.inc({ queue, reason: kind });
  }

  /**
   * Acks after a commit. A channel closed since then is no loss: the broker redelivers and the
   * inbox absorbs the copy.
   */
  ack(channel: ConfirmChannel, message: ConsumeMessage, allUpTo = false): void {
    try {
      channel.ack(message, allUpTo);
    } catch (error) {
      this.options.logger.warn(
        { err: error, queue: this.options.queue },
        'ack failed; message will be redelivered',
      );
    }
  }

  /** Publishes a copy with extra headers, `mandatory`, waits for its confirm, then acks the original. */
  private async republish(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    exchange: string,
    routingKey: string,
    extraHeaders: Record<string, unknown>,
  ): Promise<void> {
    const { properties } = message;
    const options: Options.Publish = {
      messageId: properties.messageId,
      type: properties.type,
      appId: properties.appId,
      contentType: properties.contentType,
      timestamp: properties.timestamp,
      persistent: true,
      mandatory: true,
      headers: { ...stripBrokerHeaders(properties.headers), ...extraHeaders },
    };
    const id = String(properties.messageId ?? '');
    const returned = this.returned.get(channel);
    await new Promise<void>((resolve, reject) => {
      try {
        channel.publish(exchange, routingKey, message.content, options, (error: unknown) => {
          const wasReturned = returned?.delete(id) ?? false;
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else if (wasReturned) reject(new UnroutableError(routingKey, 'NO_ROUTE'));
          else resolve();
        });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.ack(channel, message);
  }
}

/** Headers the broker adds (`x-death`, delivery counts) are not carried into a copy. */
function stripBrokerHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key === 'x-death' || key.startsWith('x-first-death') || key === 'x-delivery-count')
      continue;
    copy[key] = value;
  }
  return copy;
}
