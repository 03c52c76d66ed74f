import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { runPaced } from '../src/paced-load.js';

describe('the paced load', () => {
  it('when run at a rate, then requests arrive spread over the run (not in bursts) and each is counted', async () => {
    const arrivals: number[] = [];
    const paths = new Set<string>();
    const server = createServer((request, response) => {
      arrivals.push(performance.now());
      paths.add(request.url!);
      setTimeout(() => response.end('ok'), 2);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const figures = await runPaced({
        url: `http://127.0.0.1:${port}`,
        rate: 50,
        durationSeconds: 1,
        connections: 10,
        path: (n) => `/v/${n}`,
        title: 'test',
      });
      expect(figures.requests).toBe(50);
      expect(paths.size).toBe(50);
      expect(figures.errors).toBe(0);
      expect(figures.latency.p50).toBeGreaterThanOrEqual(2);
      // 50 a second, one every 20 ms: the first and last arrive about a second apart, and no
      // second's worth arrives at once (autocannon's rate would send them in one burst).
      expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThan(700);
      const inFirst100ms = arrivals.filter((at) => at - arrivals[0] < 100).length;
      expect(inFirst100ms).toBeLessThan(25);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
