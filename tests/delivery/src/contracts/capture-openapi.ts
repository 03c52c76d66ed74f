import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { dropDatabase } from '@bazaar/db';
import { testServerUrl } from '@bazaar/db/testing';
import { ROOT, SERVICES, type ServiceName } from '../workspace.js';
import { createBrokerSandbox } from './broker-sandbox.js';
import type { OpenApiDocument } from './openapi-compat.js';

export interface CaptureOptions {
  /** How long the service may take to serve `/docs/json` (slow machines, cold tsx). */
  timeoutMs?: number;
  /** The broker the service connects to while it runs. */
  amqpUrl?: string;
  /** Extra environment for the service (secrets a newer config may require). */
  env?: Record<string, string>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The OpenAPI document a service serves, captured the way its clients see it: the service's
 * own process (its `dev` entry, sources through tsx) against a throwaway database and a broker
 * virtual host of its own, `/docs/json` read over HTTP, everything removed afterwards. Running the
 * process rather than `buildApp` keeps this independent of how each service wires its app.
 */
export async function captureOpenApi(
  service: ServiceName,
  options: CaptureOptions = {},
): Promise<OpenApiDocument> {
  const suffix = randomBytes(4).toString('hex');
  const database = new URL(testServerUrl());
  database.pathname = `/bazaar_test_contracts_${service}_${suffix}`;
  // The web shop has no database and no broker: nothing to set up or remove for it.
  const stateful = SERVICES.find((s) => s.name === service)?.database ?? true;
  const broker = stateful
    ? await createBrokerSandbox(
        options.amqpUrl ??
          process.env.TEST_AMQP_URL ??
          process.env.AMQP_URL ??
          'amqp://guest:guest@127.0.0.1:5672',
        `contracts-${service}-${suffix}`,
      )
    : undefined;
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    ['--conditions=@bazaar/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: join(ROOT, 'services', service),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: database.toString(),
        ...(broker ? { AMQP_URL: broker.url, AMQP_NAMESPACE: broker.namespace } : {}),
        OTEL_SDK_DISABLED: 'true',
        BAZAAR_RATE_LIMITS: 'off',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  try {
    const deadline = Date.now() + (options.timeoutMs ?? 90_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(
          `${service} exited with code ${child.exitCode} before serving /docs/json:\n${output.join('')}`,
        );
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/docs/json`);
        if (response.ok) return (await response.json()) as OpenApiDocument;
      } catch {
        // not listening yet
      }
      await sleep(500);
    }
    throw new Error(`${service} did not serve /docs/json in time:\n${output.join('')}`);
  } finally {
    await stop(child);
    if (stateful) await dropDatabase(database.toString()).catch(() => undefined);
    await broker?.dispose().catch(() => undefined);
  }
}
