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

describe('the startup line of runService', () => {
  it('when a service listens, then its log says which Node runs it', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--conditions=@bazaar/source',
        '--import',
        'tsx',
        join(__dirname, 'fixtures', 'slow-service.ts'),
        String(port),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'info' },
      },
    );
    const exited = once(child, 'exit');
    try {
      let output = '';
      // The logger writes asynchronously: wait for the whole line rather than for `listening`.
      const started = await new Promise<string>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const line = output.split('\n').find((l) => l.includes('service started'));
          if (line && output.includes(`${line}\n`)) resolve(line);
        }),
      );
      expect(started).toContain(process.version);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
