import { NotificationListener, type Logger } from '@bazaar/messaging';
import type { Kysely } from 'kysely';
import { CHANGES_CHANNEL, readChanges, readSnapshot } from '../db/changes-repository.js';
import type { Database } from '../db/database.js';
import { SearchIndex, type IndexChange } from '../engine/search-index.js';

export interface FollowerOptions {
  db: Kysely<Database>;
  /** The database's URL, for the `LISTEN` connection; none: polling alone. */
  listenUrl?: string;
  logger: Logger;
  /** The fallback poll's period. */
  pollMs?: number;
  now?: () => number;
  /** Told of each change that altered the index, as it is applied (freshness measurements). */
  onApplied?: (change: IndexChange) => void;
}

/** How far behind a replica may be and still answer searches (readiness). */
export const MAX_LAG_MS = 2000;
/**
 * How long a write transaction may hold a sequence value before committing: a poll re-reads
 * from the highest value seen by a read at least this long ago, so a value that committed
 * after a higher one is still read.
 */
export const OVERLAP_MS = 1000;
/** Right after a snapshot no read is that old: re-read this many values below its highest. */
export const SNAPSHOT_OVERLAP = 1000;
const BATCH = 5000;

/**
 * Keeps this replica's in-memory index in step with the `search_documents` table: builds it
 * from one REPEATABLE READ snapshot, then follows `change_seq`, woken by `NOTIFY` or, failing
 * that, by a short poll. A reindex (a new generation) makes it build a new index from a new
 * snapshot and swap it in, searches answering from the old one meanwhile.
 */
export class IndexFollower {
  index = new SearchIndex();
  private generation = -1;
  private lastSeq = 0;
  /** Reads done: when each started and the highest value applied once it ended. */
  private marks: { at: number; seq: number }[] = [];
  private caughtUpAt = -Infinity;
  private built = false;
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private listener: NotificationListener | undefined;
  private readonly now: () => number;

  constructor(private readonly options: FollowerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Builds the index, then follows changes until {@link stop}. */
  async start(): Promise<void> {
    await this.enqueue(() => this.rebuild());
    if (this.options.listenUrl) {
      // Wakes this replica within milliseconds of a committed change; the poll covers the rest.
      this.listener = new NotificationListener({
        url: this.options.listenUrl,
        channel: CHANGES_CHANNEL,
        applicationName: 'search-changes-listener',
        name: 'changes listener',
        logger: this.options.logger,
        onNotify: () => void this.catchUp(),
        // Changes may have been committed while not listening.
        onListening: () => void this.catchUp(),
      });
      void this.listener.start();
    }
    this.timer = setInterval(() => void this.catchUp(), this.options.pollMs ?? 250);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.listener?.stop();
    await this.chain;
  }

  /** Reads and applies every change committed before this call (after any read under way). */
  catchUp(): Promise<void> {
    return this.enqueue(() => this.poll());
  }

  /** Built, and caught up within {@link MAX_LAG_MS}. */
  isReady(): boolean {
    return this.built && this.lagMs() < MAX_LAG_MS;
  }

  /** Milliseconds since the start of the last read that reached the end of the log. */
  lagMs(): number {
    return Math.max(0, this.now() - this.caughtUpAt);
  }

  get sequence(): number {
    return this.lastSeq;
  }

  /** Runs `work` after what is queued, sharing one queued run between callers. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.chain.then(() => {
      this.queued = null;
      return work();
    });
    this.queued = run;
    this.chain = run.catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'search index follow failed');
    });
    return run;
  }

  private async rebuild(): Promise<void> {
    const started = this.now();
    const index = new SearchIndex();
    const builder = index.builder();
    const snapshot = await readSnapshot(this.options.db, (products) => builder.add(products));
    builder.finish();
    for (const { id, version } of snapshot.deletions) index.apply({ kind: 'delete', id, version });
    this.index = index;
    this.generation = snapshot.generation;
    this.lastSeq = snapshot.lastSeq;
    this.marks = [{ at: -Infinity, seq: Math.max(0, snapshot.lastSeq - SNAPSHOT_OVERLAP) }];
    this.marks.push({ at: started, seq: snapshot.lastSeq });
    this.caughtUpAt = started;
    this.built = true;
    this.options.logger.info(
      { products: index.size, sequence: snapshot.lastSeq, ms: this.now() - started },
      'search index built',
    );
  }

  /** The value to re-read from: the highest seen by a read at least {@link OVERLAP_MS} ago. */
  private low(now: number): number {
    let at = 0;
    while (at + 1 < this.marks.length && this.marks[at + 1].at <= now - OVERLAP_MS) at += 1;
    this.marks.splice(0, at);
    return this.marks[0].seq;
  }

  private async poll(): Promise<void> {
    const started = this.now();
    let after = this.low(started);
    for (;;) {
      const batch = await readChanges(this.options.db, after, BATCH);
      if (batch.generation !== this.generation) {
        await this.rebuild();
        return;
      }
      for (const { seq, change } of batch.changes) {
        if (this.index.apply(change)) this.options.onApplied?.(change);
        after = seq;
        if (seq > this.lastSeq) this.lastSeq = seq;
      }
      if (batch.changes.length < BATCH) break;
    }
    this.marks.push({ at: started, seq: this.lastSeq });
    this.caughtUpAt = started;
  }
}
