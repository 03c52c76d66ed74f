import { spawnSlowService } from './fixtures/spawn-slow-service.js';

describe('graceful shutdown', () => {
  it('when SIGTERM arrives during a slow request, then the request finishes, the broker stops first and the process exits 0', async () => {
    const service = await spawnSlowService();
    const { port, child, exited } = service;
    await service.line((l) => l === 'listening');
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);

    const pending = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await service.line((l) => l === 'slow request started');
    child.kill('SIGTERM');

    await expect(pending).resolves.toEqual({ status: 200, body: { done: true } });
    const [code] = await exited;
    expect(code).toBe(0);
    // The broker starts once the server listens and stops before it closes.
    expect(service.output().split('\n')).toEqual([
      'broker started (listening: true)',
      'listening',
      'slow request started',
      'broker stopped (listening: true)',
      '',
    ]);
  });
});
