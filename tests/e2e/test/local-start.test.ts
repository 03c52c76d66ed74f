import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { dropDatabase } from '@bazaar/db';
import { deleteNamespace } from '@bazaar/messaging/testing';
import { queuesOf } from '../src/system.js';

/**
 * `pnpm start` itself (scripts/start.mjs, from sources so nothing is built): six services and
 * the web shop on ports, databases and a broker namespace of this run's own, then one of them
 * killed.
 */
const ROOT = resolve(__dirname, '../../..');
const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SERVICES = ['storefront', 'catalog', 'orders', 'users', 'payments', 'search', 'web'];

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A base port with the six after it free too (the start script's layout). */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(SERVICES.map((_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${SERVICES.length} free ports in a row`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('pnpm start', () => {
  const run = randomBytes(3).toString('hex');
  const prefix = `bazaar_start_${run}_`;
  const namespace = `start.${run}.`;
  const lines: string[] = [];
  const pids = new Set<number>();
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;

  /** The first output line matching `pattern` (from `from` on), waiting up to `ms`. */
  async function line(pattern: RegExp, ms: number, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let i = from; i < lines.length; i += 1) {
        const match = lines[i].match(pattern);
        if (match) return match;
      }
      if (Date.now() > deadline || child?.exitCode !== null) {
        throw new Error(`no line ${pattern} in time; last output:\n${lines.slice(-30).join('\n')}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  afterAll(async () => {
    if (child && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    const databases = SERVICES.map((name) => {
      const url = new URL(POSTGRES);
      url.pathname = `/${prefix}${name}`;
      return url.toString();
    });
    await Promise.all(databases.map((url) => dropDatabase(url).catch(() => undefined)));
    const queues = await queuesOf(namespace);
    await deleteNamespace({ url: AMQP_URL, namespace, queues }).catch(() => undefined);
  });

  it('when a service is killed, then it is restarted with backoff while the others keep serving, and Ctrl-C stops them all', async () => {
    const base = await freeBase();
    child = spawn(process.execPath, ['scripts/start.mjs', '--from-source'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        BAZAAR_BASE_PORT: String(base),
        BAZAAR_DATABASE_PREFIX: prefix,
        AMQP_URL,
        AMQP_NAMESPACE: namespace,
        BAZAAR_RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
        OTEL_SDK_DISABLED: 'true',
      },
    });
    exited = new Promise((done) => child!.once('exit', (code) => done(code)));
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
    }
    const url = (offset: number, path: string) => `http://127.0.0.1:${base + offset}${path}`;

    await line(/Bazaar is ready\./, 180_000);
    for (const match of lines.map((l) => l.match(/\] \w+ started \(pid (\d+)\)/))) {
      if (match) pids.add(Number(match[1]));
    }
    expect(pids.size).toBe(SERVICES.length);
    const [, before] = await line(/\] payments started \(pid (\d+)\)/, 0);

    const mark = lines.length;
    process.kill(Number(before), 'SIGKILL');
    await line(/payments exited \(signal SIGKILL\) .*restarting in 1 s/, 10_000, mark);

    // The others serve while payments is away: browsing through the storefront, login's keys.
    const products = await fetch(url(0, '/v1/products?limit=1'));
    expect(products.status).toBe(200);
    expect((await fetch(url(3, '/.well-known/jwks.json'))).status).toBe(200);

    const [, after] = await line(/\] payments restarted \(pid (\d+)\)/, 10_000, mark);
    pids.add(Number(after));
    expect(after).not.toBe(before);
    await line(/payments is ready again/, 60_000, mark);
    expect((await fetch(url(4, '/health/ready'))).status).toBe(200);
    expect(alive(Number(before))).toBe(false);

    // Ctrl-C: the terminal signals the start script's process group.
    process.kill(-child.pid!, 'SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise((done) => (timer = setTimeout(() => done('still running'), 40_000))),
    ]);
    clearTimeout(timer);
    expect(code).toBe(0);
    expect([...pids].filter(alive)).toEqual([]);
    expect(lines.join('\n')).not.toMatch(
      /restarted \(pid \d+\)[\s\S]*SIGINT: stopping[\s\S]*restarted/,
    );
  }, 300_000);
});
