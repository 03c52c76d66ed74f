import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

// The servers sit beside this file; found from the working directory (the bench package when
// run by `pnpm bench`, the repository root under jest).
const SERVERS_DIR = ['src/ceilings', 'bench/src/ceilings']
  .map((dir) => join(process.cwd(), dir))
  .find((dir) => existsSync(dir))!;

export interface RunningServer {
  url: string;
  /** The server's process id (its CPU is read from /proc). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts one of the ceiling servers in its own process, so the load generator and the server
 * do not share an event loop (as with the real services), and waits for its port.
 */
export async function spawnServer(
  script: string,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@bazaar/source', '--import', 'tsx', join(SERVERS_DIR, script)],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start`));
    }, 30_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The server side of {@link spawnServer}: listens on a free port, says which, and on SIGTERM
 * closes the app, then `release` (its pools and connections), and exits.
 */
export async function serveCeiling(
  app: FastifyInstance,
  release: () => Promise<unknown> = async () => undefined,
): Promise<void> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`listening ${(app.server.address() as AddressInfo).port}\n`);
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(release)
        .then(() => process.exit(0)),
  );
}
