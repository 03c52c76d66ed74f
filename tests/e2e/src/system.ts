import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropDatabase } from '@bazaar/db';
import { brokerObjects, deleteNamespace } from '@bazaar/messaging/testing';

export const SERVICES = ['users', 'catalog', 'orders', 'payments', 'search', 'storefront'] as const;
export type ServiceName = (typeof SERVICES)[number];

const ROOT = resolve(__dirname, '../../..');
const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export const ADMIN = { email: 'admin@e2e.bazaar.test', password: 'e2e-admin-password' };

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race with other processes remains). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface RunningService {
  name: string;
  url: string;
  process: ChildProcess;
  logFile: string;
  log: WriteStream;
  exited: Promise<number | null>;
}

export interface System {
  /** The storefront's base URL: the only one tests talk to. */
  storefront: string;
  urls: Record<ServiceName, string>;
  /** Each service's database URL (a test seeds one with the service's own tools). */
  databases: Record<ServiceName, string>;
  /** Where each process writes its output (kept after the run, for a failing test's story). */
  logFiles: Record<string, string>;
  /** Starts one more storefront in front of the same services (another config: rate limits on). */
  startStorefront(label: string, env: Record<string, string>): Promise<string>;
  /** The last lines a service logged: put in an assertion message when a step fails. */
  tail(name: string, lines?: number): string;
  stop(): Promise<void>;
}

function databaseUrl(name: string): string {
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  return url.toString();
}

async function waitReady(service: RunningService): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${service.name} exited (${exitCode}) while starting; see ${service.logFile}`,
      );
    }
    try {
      const response = await fetch(`${service.url}/health/ready`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${service.name} not ready after ${READY_TIMEOUT_MS} ms; see ${service.logFile}`);
}

/** How a test file wants the system: telemetry on (to a receiver it runs), more log lines. */
export interface SystemOptions {
  /** Extra environment for every service (`OTEL_EXPORTER_OTLP_ENDPOINT`, ...). */
  env?: Record<string, string>;
  /** Start each service as production does, behind `--import @bazaar/telemetry/register`. */
  telemetry?: boolean;
  logLevel?: string;
}

function launch(
  name: string,
  dir: string,
  port: number,
  env: Record<string, string>,
  logDir: string,
  options: SystemOptions,
): RunningService {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  // From sources (the `@bazaar/source` condition, TypeScript through tsx): no build step, and
  // always the code in the tree. Telemetry stays off unless the test file collects it.
  const telemetry = options.telemetry ? ['--import', '@bazaar/telemetry/register'] : [];
  const child = spawn(
    process.execPath,
    ['--conditions=@bazaar/source', '--import', 'tsx', ...telemetry, 'src/main.ts'],
    {
      cwd: join(ROOT, 'services', dir),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: options.logLevel ?? process.env.E2E_LOG_LEVEL ?? 'warn',
        OTEL_SDK_DISABLED: options.telemetry ? 'false' : 'true',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { name, url: `http://127.0.0.1:${port}`, process: child, logFile, log, exited };
}

async function stopService(service: RunningService): Promise<void> {
  if (service.process.exitCode === null && service.process.signalCode === null) {
    service.process.kill('SIGTERM');
    const timer = setTimeout(() => service.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await service.exited;
    clearTimeout(timer);
  }
  await new Promise((done) => service.log.end(done));
}

/** Queues of a namespace, as the broker lists them (the services declared them, not this process). */
export function queuesOf(namespace: string): Promise<string[]> {
  return brokerObjects('queues', namespace, AMQP_URL);
}

const running = new Set<RunningService>();
process.once('exit', () => {
  for (const service of running) service.process.kill('SIGKILL');
});

/**
 * Starts the whole system for one test file: six services as real processes on free ports, each
 * with its own database (`bazaar_e2e_<run>_<service>`), one RabbitMQ namespace for the run, service
 * URLs passed by environment. `stop()` stops them and drops the databases and the namespace.
 */
export async function startSystem(label: string, options: SystemOptions = {}): Promise<System> {
  const run = `${label.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  const namespace = `e2e.${run.replace(/_/g, '-')}.`;
  const logDir = join(tmpdir(), 'bazaar-e2e', run);
  mkdirSync(logDir, { recursive: true });
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const)),
  ) as Record<ServiceName, number>;
  const urls = Object.fromEntries(
    SERVICES.map((name) => [name, `http://127.0.0.1:${ports[name]}`]),
  ) as Record<ServiceName, string>;
  const databases = SERVICES.map((name) => databaseUrl(`bazaar_e2e_${run}_${name}`));
  const shared: Record<string, string> = {
    AMQP_URL,
    AMQP_NAMESPACE: namespace,
    JWKS_URL: `${urls.users}/.well-known/jwks.json`,
    CATALOG_URL: urls.catalog,
    ORDERS_URL: urls.orders,
    USERS_URL: urls.users,
    PAYMENTS_URL: urls.payments,
    SEARCH_URL: urls.search,
    BAZAAR_RATE_LIMITS: 'off',
    BAZAAR_ADMIN_EMAIL: ADMIN.email,
    BAZAAR_ADMIN_PASSWORD: ADMIN.password,
    ...options.env,
  };
  const services: RunningService[] = [];
  const start = (name: string, dir: string, port: number, env: Record<string, string>) => {
    const service = launch(name, dir, port, env, logDir, options);
    services.push(service);
    running.add(service);
    return service;
  };

  const system: System = {
    storefront: urls.storefront,
    urls,
    databases: Object.fromEntries(SERVICES.map((name, i) => [name, databases[i]])) as Record<
      ServiceName,
      string
    >,
    logFiles: {},
    async startStorefront(name, env) {
      const port = await freePort();
      const service = start(`storefront-${name}`, 'storefront', port, {
        ...shared,
        DATABASE_URL: databases[SERVICES.indexOf('storefront')],
        ...env,
      });
      system.logFiles[service.name] = service.logFile;
      await waitReady(service);
      return service.url;
    },
    tail(name, lines = 40) {
      const file = system.logFiles[name];
      if (!file) return `(no log for ${name})`;
      try {
        return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return `(log of ${name} unreadable)`;
      }
    },
    async stop() {
      await Promise.all(
        services.map(async (service) => {
          await stopService(service);
          running.delete(service);
        }),
      );
      await Promise.all(databases.map((url) => dropDatabase(url).catch(() => undefined)));
      // Lists what the services declared under the namespace through the management API.
      await deleteNamespace({ url: AMQP_URL, namespace }).catch(() => undefined);
    },
  };

  try {
    SERVICES.forEach((name, index) => {
      const service = start(name, name, ports[name], { ...shared, DATABASE_URL: databases[index] });
      system.logFiles[name] = service.logFile;
    });
    await Promise.all(services.map(waitReady));
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}
