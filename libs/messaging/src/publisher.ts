import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import {
  ManagedChannel,
  type BrokerConnection,
  type ConnectionParticipant,
} from './broker-connection.js';
import { BrokerUnavailableError, UnroutableError } from './errors.js';
import type { Logger } from './logger.js';

export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  /** `messageId` is required: returned messages are matched to their publish by it. */
  properties: Options.Publish & { messageId: string };
}

/**
 * Publishes on a confirm channel: persistent, `mandatory`; a publish resolves only when the
 * broker confirmed it, and fails when the broker nacked or returned it (no queue bound) or the
 * channel went away first.
 */
export class Publisher implements ConnectionParticipant {
  private readonly managed: ManagedChannel<ConfirmChannel>;
  // Filled by `basic.return`, which the broker sends before the `basic.ack` of the same message.
  private returned = new Map<string, string>();

  constructor(
    connection: BrokerConnection,
    logger: Logger,
    private readonly confirmTimeoutMs = 30_000,
  ) {
    this.managed = new ManagedChannel({
      connection,
      label: 'publisher',
      logger,
      open: (model) => model.createConfirmChannel(),
      setup: async (channel) => {
        this.returned = new Map();
        channel.on('return', (message: Message) => {
          const id = message.properties.messageId as string | undefined;
          const fields = message.fields as { replyText?: string };
          if (id) this.returned.set(id, fields.replyText ?? 'NO_ROUTE');
        });
      },
    });
  }

  get ready(): boolean {
    return this.managed.current !== undefined;
  }

  attach(model: ChannelModel): Promise<void> {
    return this.managed.attach(model);
  }

  detach(): void {
    this.managed.detach();
  }

  close(): Promise<void> {
    return this.managed.close();
  }

  /** Publishes one message and waits for its confirm. */
  async publish(message: OutgoingMessage): Promise<void> {
    const [result] = await this.publishAll([message]);
    if (result) throw result;
  }

  /**
   * Publishes messages in order, then waits for every confirm. Returns one entry per message:
   * `undefined` when confirmed, the error otherwise.
   */
  async publishAll(messages: OutgoingMessage[]): Promise<Array<Error | undefined>> {
    const channel = this.managed.current;
    if (!channel) throw new BrokerUnavailableError();
    const confirms: Array<Promise<Error | undefined>> = [];
    for (const message of messages) {
      let writable = true;
      confirms.push(
        new Promise((resolve) => {
          const timer = setTimeout(
            () => resolve(new Error('publish confirm timed out')),
            this.confirmTimeoutMs,
          );
          try {
            writable = channel.publish(
              message.exchange,
              message.routingKey,
              message.content,
              { ...message.properties, persistent: true, mandatory: true },
              (error: unknown) => {
                clearTimeout(timer);
                const id = message.properties.messageId;
                const returned = this.returned.get(id);
                if (returned !== undefined) this.returned.delete(id);
                if (error) resolve(error instanceof Error ? error : new Error(String(error)));
                else if (returned !== undefined) {
                  resolve(new UnroutableError(message.routingKey, returned));
                } else resolve(undefined);
              },
            );
          } catch (error) {
            // amqplib throws synchronously on a channel that is already closed.
            clearTimeout(timer);
            resolve(error instanceof Error ? error : new Error(String(error)));
          }
        }),
      );
      // Respect the socket's back-pressure instead of buffering a whole batch in memory.
      if (!writable) await drained(channel);
    }
    return Promise.all(confirms);
  }
}

/** Resolves on the channel's `drain` (or its end, whichever comes first). */
function drained(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.off('drain', done);
      channel.off('close', done);
      resolve();
    };
    channel.on('drain', done);
    channel.on('close', done);
  });
}
