import type { Logger } from '@bazaar/messaging';
import pg from 'pg';
import { CHANGES_CHANNEL } from '../db/changes-repository.js';

/**
 * A dedicated connection that `LISTEN`s for committed index changes and wakes the follower,
 * so a change reaches this replica within milliseconds; it reconnects by itself (with a
 * growing pause), and the follower's short poll covers the time it is away.
 */
export class ChangesListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly url: string,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: 'search-changes-listener',
      });
      try {
        const ended = new Promise<void>((resolve) => {
          client.on('error', (error) => {
            this.logger.warn({ err: error }, 'changes listener connection error');
            resolve();
          });
          client.on('end', () => resolve());
        });
        client.on('notification', () => this.onChange());
        await client.connect();
        await client.query(`listen ${CHANGES_CHANNEL}`);
        this.client = client;
        attempt = 0;
        // Changes may have been committed while not listening.
        this.onChange();
        await Promise.race([ended, this.pause(2 ** 31 - 1)]);
      } catch (error) {
        this.logger.warn({ err: error }, 'changes listener could not connect');
      }
      this.client = undefined;
      await client.end().catch(() => undefined);
      if (!this.stopped) await this.pause(Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // A stop while connecting finds no pause to cut short: this one must not begin.
      if (this.stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }
}
