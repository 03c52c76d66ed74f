import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Put first in a statement that must be planned at every run, never kept as a named statement:
 * one whose best plan depends on a table whose size swings, such as a work queue's claim. Its
 * generic plan, made while the table was nearly empty, stays until the table is analyzed — a
 * nested loop over every waiting row, quadratic in the backlog the claim should drain.
 */
export const PLAN_EACH_TIME = '/* plan each time */';

/** Statements worth preparing: parameterized reads and writes (never migrations' scripts). */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/** The first table a statement names, for a name a trace reader recognizes. */
const TABLE = /\b(?:into|update|from)\s+"?([a-z_][a-z0-9_]*)"?/i;
const STALE_PLAN = '0A000';

/**
 * Which SQL texts a process runs as named prepared statements, and their names.
 *
 * Postgres plans an unnamed statement every time it runs; planning a three-table join here takes
 * several times as long as executing it. A named statement is planned once per connection (a
 * generic plan after five runs, when it is as good). Kysely compiles the same text for the same
 * query shape, so a service has a few dozen texts; `limit` bounds the rest (IN lists of
 * every length), which simply run unnamed.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly limit = 500) {}

  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (text.startsWith(PLAN_EACH_TIME)) return undefined;
    if (name === undefined && this.names.size < this.limit && PREPARABLE.test(text)) {
      // `insert_order_lines_3f2a9c1b04d2`: operation, table, and a hash of the text; at most
      // 63 characters, Postgres' longest name.
      const operation = /^\s*(\w+)/.exec(text)![1]!.toLowerCase();
      const table = (TABLE.exec(text)?.[1] ?? '').toLowerCase().slice(0, 36);
      const hash = createHash('sha1').update(text).digest('hex').slice(0, 12);
      name = [operation, table, hash].filter(Boolean).join('_');
      this.names.set(text, name);
    }
    return name;
  }
}

/**
 * Makes a pool client run kysely's parameterized queries as named prepared statements.
 *
 * A table whose columns change under a running process (a rolling deploy's migration) makes
 * Postgres refuse a prepared `select *` once ("cached plan must not change result type"); the
 * client then prepares its statements again under new names, so only that one query fails.
 */
export function prepareStatements(client: pg.ClientBase, names: StatementNames): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let generation = 0;
  const prepared = (text: string, values: unknown[]) => {
    const name = names.nameOf(text);
    if (!name) return query(text, values);
    return named(generation ? `${name}_${generation}` : name, text, values).catch(
      (error: unknown) => {
        if ((error as { code?: string }).code === STALE_PLAN) generation += 1;
        throw error;
      },
    );
  };
  // The query is built here with its name set after: handed a `{ name, text, values }` object,
  // `pg` copies it property by property (its descriptors) at every query, a percent of catalog's
  // CPU on its product read. A built query is submitted as it is; its callback settles the promise
  // with the same result the promise-returning form would.
  const named = (name: string, text: string, values: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const built = new pg.Query(text, values, (error: Error | undefined, result: unknown) =>
        error ? reject(error) : resolve(result),
      );
      (built as { name?: string }).name = name;
      query(built);
    });
  client.query = ((...args: unknown[]) => {
    const [text, values] = args;
    return args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length
      ? prepared(text, values)
      : query(...args);
  }) as typeof client.query;
}
