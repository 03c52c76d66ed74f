import { spawnSlowService } from './fixtures/spawn-slow-service.js';

describe('the startup line of runService', () => {
  it('when a service listens, then its log says which Node runs it', async () => {
    const service = await spawnSlowService([], { LOG_LEVEL: 'info' });
    const { child, exited } = service;
    try {
      const started = await service.line((l) => l.includes('service started'));
      expect(started).toContain(process.version);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
