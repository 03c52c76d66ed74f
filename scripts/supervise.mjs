// The process supervisor behind `pnpm start`. Like a pod's restart policy: a service that exits
// while nobody asked it to stop is started again after a backoff (1 s, doubling to 30 s; back
// to 1 s once it has run for a minute), and the output says so, while the other services keep
// serving. `stopAll()` (Ctrl-C) sends each service one SIGTERM and waits for it.
//
// Services run in process groups of their own (`detached`), so a terminal's Ctrl-C reaches only
// this process, which forwards exactly one SIGTERM: the services' graceful shutdown
// (close-with-grace) treats a second signal as "exit 1 now", and the terminal's SIGINT plus a
// forwarded one would be two.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const COLORS = { magenta: 35, green: 32, yellow: 33, cyan: 36, blue: 34, red: 31, white: 37 };
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

function paint(text, color) {
  return useColor && COLORS[color] ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
}

/** Writes the supervisor's own lines, prefixed `[start]`. */
export function say(message, stream = process.stdout) {
  stream.write(`${paint('[start]', 'white')} ${message}\n`);
}

function prefixLines(from, to, prefix) {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) =>
    to.write(`${prefix} ${line}\n`),
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
 * Runs every `{ name, color, cwd, command, args, env, readyUrl }` and keeps it running.
 * Returns `stopAll()` (resolves with 0, or 1 when a service had to be killed) and `pids()`.
 */
export function supervise(specs, options = {}) {
  const initialDelayMs = options.initialDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
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
    prefixLines(child.stdout, process.stdout, prefix);
    prefixLines(child.stderr, process.stderr, prefix);
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
