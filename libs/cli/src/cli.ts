import { parseArgs } from 'node:util';

/**
 * What a Bazaar tool's exit code means. Tools may add their own codes from 3 up (listed in their
 * `--help`); 0, 1 and 2 mean the same everywhere.
 */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** The work failed (a database or broker error, a failed check). */
  failure: 1,
  /** The command line was wrong: nothing was done. */
  usage: 2,
} as const;

/** One `--option` of a tool. */
export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder of the value in `--help` (`N`, `URL`); string options only. */
  value?: string;
  /** Shown as is; string options only (booleans default to false). */
  default?: string;
  description: string;
}

/** A positional argument, in order. Only the last may be `variadic`. */
export interface CliPositional {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

/** What a tool accepts, and the text of its `--help`. */
export interface CliSpec<O extends Record<string, CliOption> = Record<string, CliOption>> {
  /** The tool's short name, the prefix of its error lines (`reindex: ...`). */
  name: string;
  /** How to run it, e.g. `pnpm --filter @bazaar/search reindex --`. */
  command: string;
  /** What it does, one or two sentences. */
  summary: string;
  options?: O;
  positionals?: CliPositional[];
  /** More lines for `--help`: environment variables, exit codes of its own, examples. */
  notes?: string;
}

/** The options' values: booleans are always set, strings when given or defaulted. */
export type CliValues<O extends Record<string, CliOption>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K] extends { default: string }
      ? string
      : string | undefined;
};

export interface CliArgs<O extends Record<string, CliOption>> {
  values: CliValues<O>;
  positionals: string[];
}

/** A wrong command line: the tool prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The `--help` text of a tool. */
export function helpText(spec: CliSpec): string {
  const options = Object.entries(spec.options ?? {});
  const positionals = spec.positionals ?? [];
  const synopsis = [
    spec.command,
    ...(options.length ? ['[options]'] : []),
    ...positionals.map((p) => {
      const name = `${p.name}${p.variadic ? ' ...' : ''}`;
      return p.required ? `<${name}>` : `[${name}]`;
    }),
  ].join(' ');
  const rows: Array<[string, string]> = [
    ...positionals.map((p): [string, string] => [p.name, p.description]),
    ...options.map(([name, option]): [string, string] => {
      const flag = `${option.short ? `-${option.short}, ` : ''}--${name}`;
      const value = option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : '';
      const fallback = option.default === undefined ? '' : ` (default ${option.default})`;
      return [flag + value, option.description + fallback];
    }),
    ['-h, --help', 'show this help and exit'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `usage: ${synopsis}`,
    '',
    spec.summary,
    '',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
    'exit codes: 0 done, 1 failed, 2 wrong arguments (nothing done)',
    ...(spec.notes ? ['', spec.notes.trimEnd()] : []),
    '',
  ].join('\n');
}

/**
 * Parses a tool's arguments with `node:util` `parseArgs` (strict: an unknown option, a missing
 * value or a stray positional is a `UsageError`). Returns `'help'` when `--help`/`-h` is anywhere
 * in the arguments, before anything else is checked. A leading `--` (which some ways of running
 * a pnpm script pass through) is ignored.
 */
export function parseCommandLine<O extends Record<string, CliOption>>(
  spec: CliSpec<O>,
  argv: string[],
): CliArgs<O> | 'help' {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const helpAt = args.indexOf('--');
  const flags = helpAt === -1 ? args : args.slice(0, helpAt);
  if (flags.includes('--help') || flags.includes('-h')) return 'help';

  const options: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string }> =
    {};
  for (const [name, option] of Object.entries(spec.options ?? {})) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.default !== undefined && option.type === 'string'
        ? { default: option.default }
        : {}),
    };
  }
  const positionals = spec.positionals ?? [];
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals.length > 0 });
  } catch (error) {
    // parseArgs' messages are one clear sentence, then at times a long hint: keep the sentence.
    throw new UsageError((error as Error).message.split(/\n|\. (?=To specify)/)[0]!);
  }
  const variadic = positionals.at(-1)?.variadic === true;
  const required = positionals.filter((p) => p.required);
  if (parsed.positionals.length < required.length) {
    throw new UsageError(`missing <${required[parsed.positionals.length]!.name}>`);
  }
  if (!variadic && parsed.positionals.length > positionals.length) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals.length]}'`);
  }
  for (const [name, option] of Object.entries(spec.options ?? {})) {
    if (option.type === 'boolean') parsed.values[name] ??= false;
  }
  return { values: parsed.values as CliValues<O>, positionals: parsed.positionals };
}

/**
 * Runs a tool: parses its arguments (`--help` prints the help and exits 0; a wrong command line
 * prints `<name>: <reason> (see --help)` and exits 2 before `main` runs), then `main`. `main`
 * may throw a `UsageError` for a value it rejects (exit 2); any other error prints
 * `<name>: <message>` and exits 1; otherwise the exit code is what `main` returns (default 0).
 * Sets `process.exitCode` and lets the process end by itself.
 */
export async function runCli<O extends Record<string, CliOption>>(
  spec: CliSpec<O>,
  main: (args: CliArgs<O>) => Promise<number | void> | number | void,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  const refuse = (error: UsageError) => {
    process.stderr.write(`${spec.name}: ${error.message} (see --help)\n`);
    process.exitCode = ExitCode.usage;
  };
  let args: CliArgs<O> | 'help';
  try {
    args = parseCommandLine(spec, argv);
  } catch (error) {
    if (error instanceof UsageError) return refuse(error);
    throw error;
  }
  if (args === 'help') {
    process.stdout.write(helpText(spec as CliSpec));
    process.exitCode = ExitCode.ok;
    return;
  }
  try {
    process.exitCode = (await main(args)) ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof UsageError) return refuse(error);
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${spec.name}: ${text}\n`);
    process.exitCode = ExitCode.failure;
  }
}

/**
 * A whole number from a string option or positional, within `[min, max]`; `undefined` when the
 * value is `undefined`. Anything else is a `UsageError` naming the argument.
 */
export function wholeNumber(
  label: string,
  raw: string | undefined,
  range: { min?: number; max?: number } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${label} must be a whole number ${bounds}, got '${raw}'`);
  }
  return n;
}

/** One of `allowed`, or a `UsageError` listing them. */
export function oneOf<T extends string>(label: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`${label} must be one of ${allowed.join(', ')}, got '${raw}'`);
  }
  return raw as T;
}

/**
 * For a tool whose body runs at the top level: parses and checks its arguments before anything
 * else, returning what `check` makes of them. `--help` prints the help and exits 0; a wrong
 * command line (or a `UsageError` from `check`) prints one line and exits 2. Nothing is open
 * yet at that point, so exiting at once is safe.
 */
export function commandLine<O extends Record<string, CliOption>, T = CliArgs<O>>(
  spec: CliSpec<O>,
  check: (args: CliArgs<O>) => T = (args) => args as T,
  argv: string[] = process.argv.slice(2),
): T {
  try {
    const args = parseCommandLine(spec, argv);
    if (args === 'help') {
      process.stdout.write(helpText(spec as CliSpec));
      process.exit(ExitCode.ok);
    }
    return check(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${spec.name}: ${error.message} (see --help)\n`);
    process.exit(ExitCode.usage);
  }
}
