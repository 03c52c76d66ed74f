import type { Kysely } from 'kysely';
import type pg from 'pg';

/**
 * The session setting that names the tables whose inserts this session's process wakes its
 * own workers for after commit (comma-separated). A trigger that wakes workers by `NOTIFY`
 * skips the notification when its table is named: the process that committed already knows.
 */
export const WAKES_SETTING = 'bazaar.wakes';

type Listener = () => void;

/** A text that inserts into no watched table (a table name never has a space). */
const NONE = ' none';
/** Most statement texts whose watched table is remembered. */
const TEXTS_REMEMBERED = 500;

/**
 * Which committed inserts a pool's sessions made, told to the process right after the commit.
 *
 * A worker (the outbox relay, payments' operation runner) wakes when rows it works on are
 * committed. Woken by `NOTIFY`, every notifying transaction costs the database a global lock at
 * commit and a signal to each listening session (about 70 µs of backend CPU here), and the
 * wake-up takes a round trip through a listening connection. The process that committed knows
 * without asking: this watch sees each statement its pool runs, notes an insert into a watched
 * table, and calls the table's listeners once the transaction commits (at once for a statement
 * outside a transaction); a rollback forgets it. Sessions of this pool carry `bazaar.wakes`, so
 * the table's trigger skips its `NOTIFY` for them; writes by any other session (another replica,
 * a tool) still notify.
 *
 * The setting is applied as a connection is handed out, outside any transaction: a connection
 * that has not carried it yet notifies as before (a second wake-up, never a missed one). A
 * worker that stops watching leaves its tables to the others' notifications and polls again.
 */
export class CommitWatch {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Matches a statement inserting into a watched table, naming the table. */
  private inserting: RegExp | undefined;
  /** Bumped whenever the watched tables change; each connection carries the version it has. */
  private version = 0;
  private readonly applied = new WeakMap<pg.ClientBase, number>();
  /** Per statement text, the watched table it inserts into, or {@link NONE}. */
  private readonly tableOf = new Map<string, string>();

  /**
   * Calls `listener` after each commit of this pool that inserted into `table`. Returns the
   * function that stops it.
   */
  watch(table: string, listener: Listener): () => void {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
    let listeners = this.listeners.get(table);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(table, listeners);
      this.changed();
    }
    listeners.add(listener);
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      this.listeners.delete(table);
      this.changed();
    };
  }

  /** Watches the statements of each of the pool's connections. */
  attach(pool: pg.Pool): void {
    pool.on('connect', (client) => this.follow(client));
    pool.on('acquire', (client) => this.apply(client));
  }

  private changed(): void {
    this.version++;
    this.tableOf.clear();
    const tables = [...this.listeners.keys()];
    // Anywhere in the text: an insert may sit in a CTE of an update's or another insert's.
    this.inserting = tables.length
      ? new RegExp(`\\binsert\\s+into\\s+"?(${tables.join('|')})"?[\\s(]`, 'i')
      : undefined;
  }

  /** Sets `bazaar.wakes` on a connection being handed out, when it is not current there. */
  private apply(client: pg.PoolClient): void {
    const version = this.version;
    if ((this.applied.get(client) ?? 0) === version) return;
    // Queued before whatever the borrower sends; outside a transaction, so it outlives it.
    client
      .query('select set_config($1, $2, false)', [
        WAKES_SETTING,
        [...this.listeners.keys()].join(','),
      ])
      .then(() => this.applied.set(client, version))
      .catch(() => undefined);
  }

  /** Follows one connection's statements: its transaction, and the watched tables it inserted into. */
  private follow(client: pg.ClientBase): void {
    const query = client.query.bind(client) as (
      text: unknown,
      values?: unknown,
    ) => Promise<pg.QueryResult>;
    let inTransaction = false;
    let inserted = new Set<string>();
    const run = (text: unknown, values?: unknown): Promise<pg.QueryResult> => {
      if (typeof text !== 'string') return query(text, values);
      if (text === 'begin' || text.startsWith('start transaction')) {
        inTransaction = true;
        return query(text, values);
      }
      if (text === 'commit' || text === 'rollback') {
        const done = inserted;
        inTransaction = false;
        inserted = new Set();
        if (text === 'rollback' || done.size === 0) return query(text, values);
        return query(text, values).then((result) => {
          // An aborted transaction's COMMIT answers ROLLBACK.
          if (result.command === 'COMMIT') this.committed(done);
          return result;
        });
      }
      const table = this.insertedTable(text);
      if (table === undefined) return query(text, values);
      if (inTransaction) {
        inserted.add(table);
        return query(text, values);
      }
      return query(text, values).then((result) => {
        this.committed(new Set([table]));
        return result;
      });
    };
    client.query = run as typeof client.query;
  }

  /**
   * The watched table a statement inserts into, if any. Remembered per text: a service runs a
   * few dozen texts again and again (kysely compiles the same text for the same shape), and the
   * search scanned the whole text, several hundred characters for a product read, at every
   * statement. Forgotten when the watched tables change; bounded like the prepared statements'
   * names (texts past the bound are searched every time).
   */
  private insertedTable(text: string): string | undefined {
    const known = this.tableOf.get(text);
    if (known !== undefined) return known === NONE ? undefined : known;
    const table = this.inserting?.exec(text)?.[1]?.toLowerCase();
    if (this.tableOf.size < TEXTS_REMEMBERED) this.tableOf.set(text, table ?? NONE);
    return table;
  }

  private committed(tables: Set<string>): void {
    for (const table of tables) {
      for (const listener of this.listeners.get(table) ?? []) listener();
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's schema
const watches = new WeakMap<Kysely<any>, CommitWatch>();

/** Links a `createDb` database to its pool's watch. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's schema
export function registerCommitWatch(db: Kysely<any>, watch: CommitWatch): void {
  watches.set(db, watch);
}

/**
 * Tells `table`'s trigger that this process handles its own commits of the table (it skips its
 * `NOTIFY` for this process's sessions, see {@link CommitWatch}), and calls `listener`, when
 * given, after each commit of this process (through `db`) that inserted into it. Without one,
 * the process's writers hand their rows over themselves. Returns the function that stops it;
 * undefined when `db` was not made by `createDb` (its commits are then heard of by notification
 * only).
 */
export function watchCommits(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's schema
  db: Kysely<any>,
  table: string,
  listener: Listener = () => undefined,
): (() => void) | undefined {
  return watches.get(db)?.watch(table, listener);
}
