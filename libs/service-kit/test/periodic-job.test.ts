import { createApp, periodicJob } from '../src/index.js';

/** Polls `check` until it holds (the timers under test are real). */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const newApp = () => createApp({ name: 'jobs', version: '0.0.0', logLevel: 'silent' });

async function runsOf(app: Awaited<ReturnType<typeof newApp>>, outcome: string): Promise<number> {
  const text = await app.metrics.metrics();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('periodic_job_runs_total{') && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('periodicJob', () => {
  it('when the app is not ready yet, then the job does not run; once ready, it runs every interval', async () => {
    const app = await newApp();
    let runs = 0;
    periodicJob(app, { name: 'count', intervalMs: 20, run: async () => void runs++ });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBe(0);
    await app.ready();
    await until(() => runs >= 3);
    await app.close();
    expect(await runsOf(app, 'ok')).toBeGreaterThanOrEqual(3);
  });

  it('when a run takes longer than the interval, then runs never overlap', async () => {
    const app = await newApp();
    let active = 0;
    let most = 0;
    let runs = 0;
    periodicJob(app, {
      name: 'slow',
      intervalMs: 5,
      run: async () => {
        active += 1;
        most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 40));
        active -= 1;
        runs += 1;
      },
    });
    await app.ready();
    // Asked for while one is running: the same run, not a second one.
    await Promise.all([
      app.periodicJobs.get('slow')!.runOnce(),
      app.periodicJobs.get('slow')!.runOnce(),
    ]);
    await until(() => runs >= 3);
    await app.close();
    expect(most).toBe(1);
  });

  it('when a run fails, then it is logged and counted and the next run comes as usual', async () => {
    const lines: string[] = [];
    const app = await createApp({
      name: 'jobs',
      version: '0.0.0',
      logLevel: 'error',
      logStream: { write: (line) => void lines.push(line) },
    });
    let runs = 0;
    periodicJob(app, {
      name: 'flaky',
      intervalMs: 10,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('first run breaks');
      },
    });
    await app.ready();
    await until(() => runs >= 2);
    await app.close();
    expect(await runsOf(app, 'failed')).toBe(1);
    expect(await runsOf(app, 'ok')).toBeGreaterThanOrEqual(1);
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'flaky failed');
    expect(logged).toMatchObject({ job: 'flaky', err: { message: 'first run breaks' } });
  });

  it('when the app closes during a run, then close waits for it and no run follows', async () => {
    const app = await newApp();
    let started = 0;
    let finished = 0;
    periodicJob(app, {
      name: 'long',
      intervalMs: 5,
      run: async () => {
        started += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished += 1;
      },
    });
    await app.ready();
    await until(() => started === 1);
    await app.close();
    expect(finished).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toBe(1);
  });

  it('when two jobs share a name, then the second is refused', async () => {
    const app = await newApp();
    const run = async () => undefined;
    periodicJob(app, { name: 'twice', intervalMs: 1000, run });
    expect(() => periodicJob(app, { name: 'twice', intervalMs: 1000, run })).toThrow(/twice/);
    await app.close();
  });
});
