import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { freePort, startSystem, type System } from '../../../../tests/e2e/src/system.js';

const WEB_DIR = resolve(__dirname, '../..');
const CATALOG_DIR = resolve(__dirname, '../../../catalog');

export interface ShopSystem {
  system: System;
  /** The web shop's base URL (http://127.0.0.1:<port>). */
  web: string;
  stop(): Promise<void>;
}

function run(command: string[], cwd: string, env: Record<string, string>, log: string) {
  return new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, command, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(log);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${command.join(' ')} exited ${code}; see ${log}`)),
    );
  });
}

async function waitReady(url: string, exited: () => boolean, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`web exited while starting; see ${log}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`web not ready; see ${log}`);
}

/**
 * The whole system as tests/e2e starts it (six services from sources, own databases and broker
 * namespace), a demo catalog seeded with catalog's own seed command (categories, brands), and
 * the web shop in front of the storefront, as a process of its own.
 */
export async function startShop(
  label: string,
  env: Record<string, string> = {},
): Promise<ShopSystem> {
  const system = await startSystem(label, { env });
  let stopWeb = async () => {};
  try {
    const logDir = dirname(system.logFiles.storefront!);
    await run(
      ['--conditions=@bazaar/source', '--import', 'tsx', 'src/cli/seed.ts', '--products', '40'],
      CATALOG_DIR,
      { DATABASE_URL: system.databases.catalog, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
      join(logDir, 'seed.log'),
    );
    const port = await freePort();
    const web = `http://127.0.0.1:${port}`;
    const logFile = join(logDir, 'web.log');
    system.logFiles.web = logFile;
    const log = createWriteStream(logFile);
    const child = spawn(
      process.execPath,
      ['--conditions=@bazaar/source', '--import', 'tsx', 'src/main.ts'],
      {
        cwd: WEB_DIR,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NODE_ENV: 'test',
          LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
          OTEL_SDK_DISABLED: 'true',
          HOST: '127.0.0.1',
          PORT: String(port),
          STOREFRONT_URL: system.storefront,
          PUBLIC_URL: web,
          WEB_LOCAL_MODE: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let gone = false;
    void exited.then(() => (gone = true));
    stopWeb = async () => {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    };
    await waitReady(web, () => gone, logFile);
    return {
      system,
      web,
      async stop() {
        await stopWeb();
        await system.stop();
      },
    };
  } catch (error) {
    await stopWeb();
    await system.stop();
    throw error;
  }
}
