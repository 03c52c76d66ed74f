import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@bazaar/service-kit/testing';
import { ROOT } from '../src/workspace.js';

// `pnpm start` / `pnpm dev` (scripts/start.mjs and its supervisor, scripts/supervise.mjs): the
// command line, the log format, and the one readable line per event the supervisor prints for
// each JSON line a service logs. Nothing here starts a service.
const supervisor = createRequire(join(ROOT, 'package.json'))('./scripts/supervise.mjs') as {
  prettyLine(line: string, color?: boolean): string;
  logFormatFrom(env: Record<string, string | undefined>): 'pretty' | 'json';
  parseStartArgs(argv: string[]): 'help' | { dev: boolean; fromSource: boolean; build: boolean };
  watchArgs(root: string, service: string): string[];
};

function start(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['scripts/start.mjs', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 20_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe('the log lines of pnpm start', () => {
  const at = new Date(2026, 11, 6, 9, 5, 7, 42).toISOString();

  it('when a service logs a request as JSON, then one line with time, level, message, method, url, status and duration', () => {
    const json = JSON.stringify({
      level: 30,
      time: at,
      service: 'orders',
      trace_id: 'a'.repeat(32),
      span_id: 'b'.repeat(16),
      reqId: 'req-1',
      req: { method: 'GET', url: '/v1/orders?limit=2', headers: { host: 'x' } },
      res: { statusCode: 200 },
      responseTime: 3.4567,
      msg: 'request completed',
    });
    expect(supervisor.prettyLine(json, false)).toBe(
      `09:05:07.042 INFO  request completed trace_id=${'a'.repeat(32)} reqId=req-1 ` +
        'method=GET url=/v1/orders?limit=2 status=200 time=3.5ms',
    );
  });

  it('when a service logs an error with its stack, then it stays on one line with the type, message and where it was thrown', () => {
    const json = JSON.stringify({
      level: 50,
      time: at,
      service: 'payments',
      err: {
        type: 'TypeError',
        message: 'no card\non file',
        stack: 'TypeError: no card\n    at charge (/srv/payments/src/charge.ts:12:9)\n    at run',
      },
      msg: 'charge failed',
    });
    const line = supervisor.prettyLine(json, false);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^09:05:07\.042 ERROR charge failed err="TypeError: no card/);
    expect(line).toContain('(at charge (/srv/payments/src/charge.ts:12:9))');
    expect(line).not.toContain('at run');
  });

  it('when a line is not a JSON log event (a crash trace, Node itself), then it passes through as it is', () => {
    for (const line of ['node:internal/x:1', '{not json', '{"no":"level"}', '  at main.ts:3']) {
      expect(supervisor.prettyLine(line, false)).toBe(line);
    }
  });

  it('when LOG_FORMAT is unset, then pretty; json keeps JSON; anything else is refused', () => {
    expect(supervisor.logFormatFrom({})).toBe('pretty');
    expect(supervisor.logFormatFrom({ LOG_FORMAT: '' })).toBe('pretty');
    expect(supervisor.logFormatFrom({ LOG_FORMAT: 'json' })).toBe('json');
    expect(() => supervisor.logFormatFrom({ LOG_FORMAT: 'xml' })).toThrow(
      'LOG_FORMAT must be "pretty" or "json", not "xml"',
    );
  });
});

describe('the command line of pnpm start', () => {
  it('when --dev is given, then it runs from sources too; a leading -- (pnpm start -- ...) is ignored', () => {
    expect(supervisor.parseStartArgs([])).toEqual({ dev: false, fromSource: false, build: true });
    expect(supervisor.parseStartArgs(['--', '--from-source'])).toEqual({
      dev: false,
      fromSource: true,
      build: true,
    });
    expect(supervisor.parseStartArgs(['--dev'])).toEqual({
      dev: true,
      fromSource: true,
      build: true,
    });
    expect(supervisor.parseStartArgs(['--no-build'])).toEqual({
      dev: false,
      fromSource: false,
      build: false,
    });
    expect(supervisor.parseStartArgs(['--', '-h'])).toBe('help');
  });

  it('when --help is given, then it prints the usage and exits 0 without starting anything', async () => {
    // Postgres and RabbitMQ pointed at a closed port: had it tried to start, it would say so.
    const run = await start(['--', '--help'], { BAZAAR_POSTGRES_URL: 'postgres://127.0.0.1:1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: pnpm start/);
    expect(run.stdout).toContain('--dev');
    expect(run.stdout).toContain('LOG_FORMAT');
    expect(run.stderr).toBe('');
  });

  it('when a flag is unknown or LOG_FORMAT is wrong, then one line says why and it exits 2 before anything is checked or built', async () => {
    const closed = { BAZAAR_POSTGRES_URL: 'postgres://127.0.0.1:1' };
    const unknown = await start(['--form-source'], closed);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("start: Unknown option '--form-source' (see --help)\n");
    expect(unknown.stdout).toBe('');

    const format = await start([], { ...closed, LOG_FORMAT: 'xml' });
    expect(format.code).toBe(2);
    expect(format.stderr).toBe(
      'start: LOG_FORMAT must be "pretty" or "json", not "xml" (see --help)\n',
    );
  });
});

describe('pnpm dev', () => {
  // A workspace of its own in a temporary folder: service `shop` uses lib `a`, which uses `b`;
  // nothing uses `c`.
  const root = mkdtempSync(join(tmpdir(), 'bazaar-dev-'));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    // The watcher and the service it runs, as one process group.
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  });
  function write(path: string, text: string) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const manifest = (name: string, uses: string[]) =>
    JSON.stringify({ name, dependencies: Object.fromEntries(uses.map((u) => [u, 'workspace:*'])) });
  write('libs/a/package.json', manifest('@bazaar/a', ['@bazaar/b', 'fastify']));
  write('libs/b/package.json', manifest('@bazaar/b', []));
  write('libs/c/package.json', manifest('@bazaar/c', []));
  write('libs/b/src/index.mjs', 'export const version = 1;\n');
  write('services/shop/package.json', manifest('@bazaar/shop', ['@bazaar/a']));
  write(
    'services/shop/src/main.mjs',
    "console.log('started ' + process.pid);\nsetInterval(() => {}, 1000);\n",
  );

  it('when a service uses a lib through another, then both libs are watched, and a change in one restarts the service', async () => {
    const args = supervisor.watchArgs(root, 'shop');
    expect(args).toEqual([
      '--watch-path=src',
      '--watch-path=../../libs/a/src',
      '--watch-path=../../libs/b/src',
      '--watch-preserve-output',
    ]);

    mkdirSync(join(root, 'libs/a/src'), { recursive: true });
    child = spawn(process.execPath, [...args, 'src/main.mjs'], {
      cwd: join(root, 'services/shop'),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const starts = () => output.match(/started \d+/g)?.length ?? 0;
    const until = (done: () => boolean) =>
      eventually(done, { timeoutMs: 15_000, what: () => `restart; output:\n${output}` });
    await until(() => starts() === 1);

    write('libs/b/src/index.mjs', 'export const version = 2;\n');
    await until(() => starts() === 2);
    expect(output).toMatch(/Restarting 'src\/main.mjs'/);
  });
});
