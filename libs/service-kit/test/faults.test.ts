import { Faults, InjectedFault, parseFaults } from '../src/faults.js';

describe('fault switch', () => {
  it('when nothing is configured, then it is off and inject does nothing', async () => {
    const faults = new Faults('');
    expect(faults.enabled).toBe(false);
    await expect(faults.inject('catalog.prices')).resolves.toBeUndefined();
  });

  it('when points are configured, then each gets its error rate and latency', () => {
    expect([
      ...parseFaults('payments.provider:error=0.25,latency=100; catalog.prices:latency=50'),
    ]).toEqual([
      ['payments.provider', { errorRate: 0.25, latencyMs: 100 }],
      ['catalog.prices', { errorRate: 0, latencyMs: 50 }],
    ]);
  });

  it('when a setting is not understood, then parsing fails naming it', () => {
    expect(() => parseFaults('x:error=2')).toThrow(/error=2/);
    expect(() => parseFaults('x:latency=-1')).toThrow(/latency=-1/);
    expect(() => parseFaults('x:speed=1')).toThrow(/speed=1/);
    expect(() => parseFaults('Bad Point:error=1')).toThrow(/not a name/);
  });

  it('when the dice say fail, then inject throws; otherwise it passes after the latency', async () => {
    const failing = new Faults('payments.provider:error=0.5', () => 0.1);
    await expect(failing.inject('payments.provider')).rejects.toBeInstanceOf(InjectedFault);
    await expect(failing.inject('other.point')).resolves.toBeUndefined();

    const slow = new Faults('catalog.prices:latency=30,error=0.5', () => 0.9);
    const started = Date.now();
    await expect(slow.inject('catalog.prices')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('an injected fault in a route', () => {
  it('when a drill fails a call, then the answer is 503 problem+json with Retry-After', async () => {
    const { createApp } = await import('../src/index.js');
    const app = await createApp({ name: 'drill', version: '0.0.0', logLevel: 'silent' });
    const faults = new Faults('demo.point:error=1');
    app.get('/drill', async () => {
      await faults.inject('demo.point');
      return { ok: true };
    });
    const response = await app.inject({ url: '/drill' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ code: 'INJECTED_FAULT', status: 503 });
    await app.close();
  });
});
