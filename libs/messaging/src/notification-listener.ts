import pg from 'pg';
import { backoffDelay } from '@bazaar/http-client/backoff';
import { sleep } from './wait.js';
import type { Logger } from './logger.js';

export interface NotificationListenerOptions {
  /** The database to listen on; the listener keeps a dedicated connection, outside any pool. */
  url: string;
  /** The channel the database `NOTIFY`s on. */
  channel: string;
  /** The connection's `application_name` (what `pg_stat_activity` shows). */
  applicationName: string;
  /** What its log lines call it (`outbox listener`). */
  name: string;
  logger: Logger;
  /** Each notification, with its payload. */
  onNotify(payload: string | undefined): void;
  /** After each (re)connection: what was committed while nobody listened is worth a look. */
  onListening(): void;
}

/**
 * A dedicated connection that `LISTEN`s on one channel and hands each `NOTIFY` on. It reconnects
 * by itself (`backoffDelay`), and calls `onListening` each time it listens again, since
 * notifications sent while it was away are lost: a notification is a wake-up call, never the
 * only way a change is found (its users also poll). The outbox relay, orders' live order
 * streams, payments' provider operations and search's index follower listen through it.
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private firstAttempt: (() => void) | undefined;
  private readonly firstAttemptDone = new Promise<void>((resolve) => {
    this.firstAttempt = resolve;
  });

  constructor(private readonly options: NotificationListenerOptions) {}

  /** Starts listening; resolves once the first try to connect succeeded or failed (it retries). */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.firstAttemptDone;
  }

  private async run(): Promise<void> {
    const { url, channel, applicationName, name, logger } = this.options;
    for (let attempt = 0; !this.stopping.signal.aborted;) {
      const client = new pg.Client({ connectionString: url, application_name: applicationName });
      try {
        const ended = new Promise<void>((resolve) => {
          client.on('error', (error) => {
            logger.warn({ err: error }, `${name} connection error`);
            resolve();
          });
          client.on('end', () => resolve());
        });
        client.on('notification', (message) => this.options.onNotify(message.payload));
        await client.connect();
        await client.query(`listen ${channel}`);
        this.client = client;
        attempt = 0;
        this.firstAttempt?.();
        this.options.onListening();
        await Promise.race([ended, sleep(2 ** 31 - 1, this.stopping.signal)]);
      } catch (error) {
        logger.warn({ err: error }, `${name} could not connect`);
      }
      this.firstAttempt?.();
      this.client = undefined;
      await client.end().catch(() => undefined);
      if (!this.stopping.signal.aborted) {
        await sleep(backoffDelay(attempt++, 500, 10_000), this.stopping.signal);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.firstAttempt?.();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }
}
