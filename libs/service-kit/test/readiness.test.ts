import { spawnSlowService } from './fixtures/spawn-slow-service.js';

describe('readiness under runService', () => {
  it('when the message broker is down, then readiness stays 200: the service still serves requests and its events wait in the outbox', async () => {
    const service = await spawnSlowService(['broker-down']);
    const { port, child, exited } = service;
    try {
      await service.line((l) => l === 'listening');
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
