// The process supervisor behind `pnpm start`. Like a pod's restart policy: a service that exits
// while nobody asked it to stop is started again after a backoff (1 s, doubling to 30 s; back
// to 1 s once it has run for a minute), and the output says so, while the other services keep
// serving. `stopAll()` (Ctrl-C) sends each service one SIGTERM and waits for it.
//
// Services run in process groups of their own (`detached`), so a terminal's Ctrl-C reaches only
// this process, which forwards exactly one SIGTERM: the services' graceful shutdown
// (close-with-grace) treats a second signal as "exit 1 now", and the terminal's SIGINT plus a
// forwarded one would be two.
//
// Services log JSON lines (pino). Locally (`format: 'pretty'`, the default of `pnpm start`)
// each JSON line is printed as one readable line behind the service's prefix:
// `[orders] 12:01:02.345 INFO  request completed method=GET url=/v1/orders status=200 ...`;
// `format: 'json'` (`LOG_FORMAT=json`) passes the lines on untouched. Lines that are not JSON
// (a crash's stack trace, Node's own messages) pass through as they are.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const COLORS = { magenta: 35, green: 32, yellow: 33, cyan: 36, blue: 34, red: 31, white: 37 };
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

function paint(text, color) {
  return useColor && COLORS[color] ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
}

/** Writes the supervisor's own lines, prefixed `[start]`. */
export function say(message, stream = process.stdout) {
  stream.write(`${paint('[start]', 'white')} ${message}\n`);
}

const LEVELS = {
  10: ['TRACE', 'white'],
  20: ['DEBUG', 'white'],
  30: ['INFO', 'green'],
  40: ['WARN', 'yellow'],
  50: ['ERROR', 'red'],
  60: ['FATAL', 'red'],
};
// Shown elsewhere in the line (level, time, message, the prefix) or noise for a reader.
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'span_id']);

function valueText(value) {
  if (typeof value === 'string') return /^$|[\s"]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** An error as pino serialises it, on one line: its type, message and where it was thrown. */
function errorText(err) {
  if (!err || typeof err !== 'object') return valueText(err);
  const at = typeof err.stack === 'string' ? /\n\s*(at .*)/.exec(err.stack)?.[1] : undefined;
  return JSON.stringify(`${err.type ?? 'Error'}: ${err.message ?? ''}${at ? ` (${at})` : ''}`);
}

/**
 * One pino JSON line as one readable line: local time, level, message, then the other fields as
 * `key=value` (a request as its method, URL, status and time). Anything else comes back as is.
 */
export function prettyLine(line, color = useColor) {
  if (!line.startsWith('{')) return line;
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    return line;
  }
  if (!event || typeof event !== 'object' || typeof event.level !== 'number') return line;
  const [label, levelColor] = LEVELS[event.level] ?? [`L${event.level}`, 'white'];
  const date = new Date(event.time ?? Date.now());
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  const time = Number.isNaN(date.getTime())
    ? String(event.time)
    : `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  const fields = [];
  for (const [key, value] of Object.entries(event)) {
    if (SHOWN_ELSEWHERE.has(key) || value === undefined) continue;
    if (key === 'req' && value && typeof value === 'object') {
      fields.push(`method=${value.method}`, `url=${valueText(value.url)}`);
    } else if (key === 'res' && value && typeof value === 'object') {
      fields.push(`status=${value.statusCode}`);
    } else if (key === 'responseTime' && typeof value === 'number') {
      fields.push(`time=${value.toFixed(1)}ms`);
    } else if (key === 'err' || key === 'error') {
      fields.push(`${key}=${errorText(value)}`);
    } else {
      fields.push(`${key}=${valueText(value)}`);
    }
  }
  const level = color && COLORS[levelColor] ? paint(label.padEnd(5), levelColor) : label.padEnd(5);
  return [time, level, String(event.msg ?? ''), ...fields].join(' ').replace(/[\r\n]+/g, ' ');
}

/** The log format asked for by `LOG_FORMAT` (`pretty` when unset); anything else is refused. */
export function logFormatFrom(env = process.env) {
  const asked = env.LOG_FORMAT || 'pretty';
  if (asked !== 'pretty' && asked !== 'json') {
    throw new Error(`LOG_FORMAT must be "pretty" or "json", not ${JSON.stringify(asked)}`);
  }
  return asked;
}

export const START_USAGE = `usage: pnpm start [-- options]    (pnpm dev: the same with --dev)

Checks Postgres and RabbitMQ, builds, seeds a demo catalog when empty, runs the six services and
the web shop, and prints their URLs when they are ready. Ctrl-C stops them all.

  --from-source  run the TypeScript sources without building
  --no-build     run what the last \`pnpm build\` built (the bench builds once, starts many times)
  --dev          --from-source, and each service restarts when its sources or its libs change
  -h, --help     show this help and exit

environment: LOG_FORMAT=pretty|json (default pretty: one readable line per event; json: the
services' JSON lines as they are), LOG_LEVEL, BAZAAR_BASE_PORT, BAZAAR_DATABASE_PREFIX,
AMQP_NAMESPACE, BAZAAR_POSTGRES_URL, AMQP_URL

exit codes: 0 done, 1 failed, 2 wrong arguments (nothing done)
`;

/**
 * `pnpm start`'s command line, as `@bazaar/cli` parses a tool's: `'help'`, or the options
 * (`dev` implies `fromSource`; `build` is false with `--no-build`). A wrong one throws an error
 * whose message is the reason.
 */
export function parseStartArgs(argv) {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (args.includes('--help') || args.includes('-h')) return 'help';
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'from-source': { type: 'boolean' },
        dev: { type: 'boolean' },
        'no-build': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(error.message.split(/\n|\. (?=To specify)/)[0]);
  }
  const dev = values.dev === true;
  return {
    dev,
    fromSource: dev || values['from-source'] === true,
    build: values['no-build'] !== true,
  };
}

/** The workspace packages (`@bazaar/...`) a package.json depends on, by name. */
function workspaceDependencies(packageJson) {
  const { dependencies = {}, devDependencies = {} } = JSON.parse(readFileSync(packageJson, 'utf8'));
  return Object.keys({ ...dependencies, ...devDependencies }).filter((name) =>
    name.startsWith('@bazaar/'),
  );
}

/**
 * `pnpm dev`'s `node --watch` options for `services/<service>` of the workspace at `root` (run
 * from the service's folder): its `src/` (and `assets/`) and the `src/` of every lib it uses, directly or
 * through another lib. Node's own messages (`Restarting ...`) stay in the output.
 */
export function watchArgs(root, service) {
  const libs = join(root, 'libs');
  const libDirs = new Map(
    readdirSync(libs)
      .filter((dir) => existsSync(join(libs, dir, 'package.json')))
      .map((dir) => [JSON.parse(readFileSync(join(libs, dir, 'package.json'), 'utf8')).name, dir]),
  );
  const seen = new Set();
  const pending = workspaceDependencies(join(root, 'services', service, 'package.json'));
  while (pending.length > 0) {
    const dir = libDirs.get(pending.pop());
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    pending.push(...workspaceDependencies(join(libs, dir, 'package.json')));
  }
  // The web shop loads its stylesheet and script from `assets/` once, at start.
  const own = ['src', 'assets'].filter((dir) => existsSync(join(root, 'services', service, dir)));
  return [
    ...own.map((dir) => `--watch-path=${dir}`),
    ...[...seen].sort().map((dir) => `--watch-path=../../libs/${dir}/src`),
    '--watch-preserve-output',
  ];
}

function prefixLines(from, to, prefix, format) {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) =>
    to.write(`${prefix} ${format === 'pretty' ? prettyLine(line) : line}\n`),
  );
}

async function isReady(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Runs every `{ name, color, cwd, command, args, env, readyUrl }` and keeps it running;
 * `options.format` is `'pretty'` (each JSON log line made readable) or `'json'` (as it is).
 * Returns `stopAll()` (resolves with 0, or 1 when a service had to be killed) and `pids()`.
 */
export function supervise(specs, options = {}) {
  const initialDelayMs = options.initialDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const format = options.format ?? 'json';
  let stopping = false;
  const states = specs.map((spec) => ({ spec, child: undefined, startedAt: 0, crashes: 0 }));

  function launch(state) {
    const { spec } = state;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    state.child = child;
    state.startedAt = Date.now();
    state.exited = new Promise((resolve) => child.once('exit', resolve));
    const prefix = paint(`[${spec.name}]`, spec.color);
    prefixLines(child.stdout, process.stdout, prefix, format);
    prefixLines(child.stderr, process.stderr, prefix, format);
    child.once('error', (error) => say(`${spec.name} could not be started: ${error.message}`));
    child.once('exit', (code, signal) => onExit(state, code, signal));
    return child;
  }

  function onExit(state, code, signal) {
    if (stopping) return;
    const { spec } = state;
    const ranMs = Date.now() - state.startedAt;
    // A service that ran a while before failing starts its backoff afresh.
    state.crashes = ranMs >= stableAfterMs ? 1 : state.crashes + 1;
    const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** (state.crashes - 1));
    const how = signal ? `signal ${signal}` : `code ${code}`;
    say(
      `${spec.name} exited (${how}) after ${Math.round(ranMs / 1000)} s; ` +
        `restarting in ${delayMs / 1000} s (crash ${state.crashes} in a row); the others keep serving`,
      process.stderr,
    );
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (stopping) return;
      const child = launch(state);
      say(`${spec.name} restarted (pid ${child.pid})`);
      if (spec.readyUrl) void announceReady(state, child);
    }, delayMs);
  }

  async function announceReady(state, child) {
    const deadline = Date.now() + 120_000;
    while (!stopping && state.child === child && Date.now() < deadline) {
      if (await isReady(state.spec.readyUrl)) {
        say(`${state.spec.name} is ready again (pid ${child.pid})`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  for (const state of states) {
    const child = launch(state);
    say(`${state.spec.name} started (pid ${child.pid})`);
  }

  return {
    /** The current process id of each service, by name. */
    pids: () => Object.fromEntries(states.map((s) => [s.spec.name, s.child?.pid])),
    async stopAll() {
      if (stopping) return 0;
      stopping = true;
      let killed = false;
      await Promise.all(
        states.map(async (state) => {
          clearTimeout(state.timer);
          const { child } = state;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => {
            killed = true;
            say(`${state.spec.name} did not stop in ${stopTimeoutMs / 1000} s: killed`);
            child.kill('SIGKILL');
          }, stopTimeoutMs);
          await state.exited;
          clearTimeout(timer);
        }),
      );
      return killed ? 1 : 0;
    },
    /** Last resort on the way out (an exception here): no service outlives this process. */
    killAll() {
      for (const { child } of states) {
        if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    },
  };
}
