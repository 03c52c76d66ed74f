import pg from 'pg';
import { backoffDelay } from '@bazaar/http-client/backoff';
import { sleep } from './wait.js';
import type { Logger } from './logger.js';
import { OUTBOX_CHANNEL } from './tables.js';

/**
 * A dedicated connection that `LISTEN`s for the outbox trigger's `NOTIFY` and wakes the relay,
 * so an event leaves within milliseconds of its commit; it reconnects by itself, and the relay's
 * polling covers the time it is away.
 */
export class OutboxListener {
  private client: pg.Client | undefined;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly onNotify: () => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted;) {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: 'outbox-listener',
      });
      try {
        const ended = new Promise<void>((resolve) => {
          client.on('error', (error) => {
            this.logger.warn({ err: error }, 'outbox listener connection error');
            resolve();
          });
          client.on('end', () => resolve());
        });
        client.on('notification', () => this.onNotify());
        await client.connect();
        await client.query(`listen ${OUTBOX_CHANNEL}`);
        this.client = client;
        attempt = 0;
        // Rows may have been committed while not listening.
        this.onNotify();
        await Promise.race([ended, sleep(2 ** 31 - 1, this.stopping.signal)]);
      } catch (error) {
        this.logger.warn({ err: error }, 'outbox listener could not connect');
      }
      this.client = undefined;
      await client.end().catch(() => undefined);
      if (!this.stopping.signal.aborted) {
        await sleep(backoffDelay(attempt++, 500, 10_000), this.stopping.signal);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }
}
