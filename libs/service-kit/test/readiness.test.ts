import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

describe('readiness under runService', () => {
  it('when the message broker is down, then readiness stays 200: the service still serves requests and its events wait in the outbox', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--conditions=@bazaar/source',
        '--import',
        'tsx',
        join(__dirname, 'fixtures', 'slow-service.ts'),
        String(port),
        'broker-down',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OTEL_SDK_DISABLED: 'true' } },
    );
    const exited = once(child, 'exit');
    try {
      let output = '';
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('listening\n')) resolve();
        }),
      );
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({
        status: 200,
        body: { status: 'ok', checks: {} },
      });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
