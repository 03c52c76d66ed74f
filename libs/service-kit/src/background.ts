import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';

/** Work that runs beside the server: the broker connection of `@bazaar/messaging` fits. */
export interface BackgroundWork {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Ties `work` to the server: it starts once the server listens, without being awaited (it may
 * retry for a long time, and HTTP serves meanwhile; a failure to start is logged), and stops as
 * the app begins to close, before in-flight requests finish and `onClose` hooks release pools.
 * An app that never listens (a test's `inject`) never starts it.
 */
export function whileListening(app: FastifyInstance, work: BackgroundWork): void {
  app.addHook('onListen', async () => {
    work.start().catch((err: unknown) => app.log.error({ err }, 'background work failed to start'));
  });
  app.addHook('preClose', () => work.stop());
}

export interface PeriodicJobOptions {
  /** Names the job in logs and in the `periodic_job_runs_total{job}` metric. */
  name: string;
  /** The pause between the end of one run and the start of the next. */
  intervalMs: number;
  /** One run; a throw is logged and counted, and the next run comes as usual. */
  run(): Promise<void>;
}

export interface PeriodicJob {
  /** One run now, or the one in progress: runs never overlap. */
  runOnce(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's periodic jobs by name: a test or a tool runs one now with `runOnce()`. */
    periodicJobs: ReadonlyMap<string, PeriodicJob>;
  }
}

/** Runs and failures of every periodic job of an app, one counter per registry. */
function runsCounter(registry: Registry): Counter<'job' | 'outcome'> {
  const name = 'periodic_job_runs_total';
  return (
    (registry.getSingleMetric(name) as Counter<'job' | 'outcome'> | undefined) ??
    new Counter({
      name,
      help: 'Runs of periodic jobs (sweepers, housekeeping), by job and outcome (ok, failed)',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    })
  );
}

/**
 * A job the app runs every `intervalMs`: the first run one interval after the app is ready,
 * the next one interval after the previous ended (so runs never overlap, however long one
 * takes); on close the timer stops and a run in progress is waited for. A failed run is logged
 * (`<name> failed`) and counted (`periodic_job_runs_total{job, outcome="failed"}`).
 */
export function periodicJob(app: FastifyInstance, options: PeriodicJobOptions): PeriodicJob {
  const runs = runsCounter(app.metrics);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  function runOnce(): Promise<void> {
    running ??= options
      .run()
      .then(
        () => void runs.inc({ job: options.name, outcome: 'ok' }),
        (err: unknown) => {
          runs.inc({ job: options.name, outcome: 'failed' });
          app.log.error({ err, job: options.name }, `${options.name} failed`);
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void runOnce().then(schedule), options.intervalMs);
    timer.unref();
  }

  if (!app.hasDecorator('periodicJobs')) app.decorate('periodicJobs', new Map());
  const jobs = app.periodicJobs as Map<string, PeriodicJob>;
  if (jobs.has(options.name)) throw new Error(`periodic job ${options.name} is defined twice`);
  jobs.set(options.name, { runOnce });

  app.addHook('onReady', async () => {
    stopped = false;
    schedule();
  });
  app.addHook('onClose', async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  });
  return { runOnce };
}
