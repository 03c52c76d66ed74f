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

describe('graceful shutdown', () => {
  it('when SIGTERM arrives during a slow request, then the request finishes, the broker stops first and the process exits 0', async () => {
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
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OTEL_SDK_DISABLED: 'true' } },
    );
    const exited = once(child, 'exit');
    let output = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening\n')) resolve();
      }),
    );
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);

    const pending = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');

    await expect(pending).resolves.toEqual({ status: 200, body: { done: true } });
    const [code] = await exited;
    expect(code).toBe(0);
    // The broker starts once the server listens and stops before it closes.
    expect(output.split('\n')).toEqual([
      'broker started (listening: true)',
      'listening',
      'broker stopped (listening: true)',
      '',
    ]);
  });
});
