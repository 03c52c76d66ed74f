import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { deleteBrokerNamespace } from './broker-namespace.js';

export const ROOT = [process.cwd(), join(process.cwd(), '..')].find((dir) =>
  existsSync(join(dir, 'pnpm-workspace.yaml')),
)!;

/**
 * The ports `pnpm start` gives the system: storefront at `BAZAAR_BASE_PORT` (8080), catalog +1,
 * orders +2, users +3, payments +4, search +5, web +6, as scripts/start.mjs moves them, so a
 * second copy of the system can be benched beside another.
 */
export const BASE_PORT = Number(process.env.BAZAAR_BASE_PORT ?? 8080);
const OFFSETS = { storefront: 0, catalog: 1, orders: 2, users: 3, payments: 4, search: 5, web: 6 };
/** The local URL of one part of the system `pnpm start` runs. */
export const localUrl = (part: keyof typeof OFFSETS) =>
  `http://127.0.0.1:${BASE_PORT + OFFSETS[part]}`;
/** Where the trace sink listens: Jaeger's 4318, or base + 10 when the ports are moved. */
export const OTLP_PORT = BASE_PORT === 8080 ? 4318 : BASE_PORT + 10;

export interface RunningSystem {
  /** Stops every service, then deletes the queues and exchanges of its broker namespace. */
  stop(): Promise<void>;
}

let built = false;
/** Systems started and not yet stopped. */
const running = new Set<RunningSystem>();

/**
 * Starts the whole system with `pnpm start`'s script, rate limits off (a load test is not an
 * abuser), and waits until it says every service is ready. The first start of a run builds;
 * later ones (the tracing scenario's) run what it built. Stopping it deletes what it declared
 * on the broker in its `AMQP_NAMESPACE` (see {@link deleteBrokerNamespace}).
 */
export async function startSystem(
  env: Record<string, string>,
  onLine: (line: string) => void,
): Promise<RunningSystem> {
  if (!built) {
    onLine('building (pnpm build)');
    execFileSync('pnpm', ['build'], { cwd: ROOT, stdio: 'ignore' });
    built = true;
  }
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      BAZAAR_RATE_LIMITS: 'off',
      LOG_LEVEL: 'warn',
      ...(OTLP_PORT !== 4318
        ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}` }
        : {}),
      ...env,
    },
  });
  const namespace = env.AMQP_NAMESPACE ?? process.env.AMQP_NAMESPACE ?? '';
  const amqpUrl = env.AMQP_URL ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const stopAndClean = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid!, 'SIGKILL');
    }
    // Its queues and exchanges go with it (the empty namespace's are `pnpm start`'s own names,
    // the same at every run: kept). A failure here is said, and leaves the run's figures be.
    if (!namespace) return;
    await deleteBrokerNamespace(namespace, amqpUrl).then(
      ({ queues, exchanges }) =>
        onLine(`namespace ${namespace}: ${queues} queues, ${exchanges} exchanges deleted`),
      (error: unknown) =>
        console.warn(
          `\nthe broker namespace ${namespace} was not deleted (${String(error)}); ` +
            'its queues and exchanges are left on the broker',
        ),
    );
  };
  let stopped: Promise<void> | undefined;
  const system: RunningSystem = {
    // Once, whoever asks first: the run's end, a failed start, or a signal (stopSystems).
    stop: () => (stopped ??= stopAndClean().finally(() => running.delete(system))),
  };
  running.add(system);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the system did not become ready in 180 s')),
        180_000,
      );
      child.once('exit', (code) => reject(new Error(`pnpm start exited with ${code}`)));
      const watch = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (line.trim()) onLine(line);
          if (line.includes('Bazaar is ready.')) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      child.stdout!.on('data', watch);
      child.stderr!.on('data', watch);
    });
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}

/**
 * Stops every system still running (and deletes their namespaces): for a bench interrupted
 * by a signal, whose systems run in process groups of their own and would outlive it.
 */
export async function stopSystems(): Promise<void> {
  await Promise.all([...running].map((system) => system.stop()));
}

type OtlpValue = Record<string, unknown>;
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: Array<{ key: string; value?: OtlpValue }>;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: OtlpValue }> };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

function parseExport(body: string): OtlpExport | undefined {
  try {
    return JSON.parse(body) as OtlpExport;
  } catch {
    return undefined;
  }
}

/** Spans in one OTLP/HTTP JSON export (`resourceSpans[].scopeSpans[].spans[]`); 0 if not JSON. */
export function spansInExport(body: string): number {
  let spans = 0;
  for (const resource of parseExport(body)?.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
  }
  return spans;
}

/** One span as `--spans` writes it: a JSON line, times in milliseconds since the epoch. */
export interface SpanLine {
  service: string | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
  parentSpanId: string | undefined;
  name: string | undefined;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
}

/** An OTLP attribute value (`{ stringValue: 'x' }`, `{ intValue: '3' }`...) as plain JSON. */
const plain = (value: OtlpValue | undefined): unknown => Object.values(value ?? {})[0];
const millis = (nanos: string | undefined) => Number(BigInt(nanos ?? '0') / 1000n) / 1000;

/** The spans of one OTLP/HTTP JSON export, flat, each with its service's name; [] if not JSON. */
export function spanLines(body: string): SpanLine[] {
  const lines: SpanLine[] = [];
  for (const resource of parseExport(body)?.resourceSpans ?? []) {
    const service = resource.resource?.attributes?.find((a) => a.key === 'service.name');
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        lines.push({
          service: plain(service?.value) as string | undefined,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          startMs: millis(span.startTimeUnixNano),
          endMs: millis(span.endTimeUnixNano),
          attributes: Object.fromEntries(
            (span.attributes ?? []).map((a) => [a.key, plain(a.value)]),
          ),
        });
      }
    }
  }
  return lines;
}

export interface TraceSink {
  /** The endpoint to give the services as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  /** Export requests received. */
  exports(): number;
  /** Spans received (the services export OTLP/HTTP JSON). */
  spans(): number;
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP receiver that accepts and counts trace exports the way Jaeger's port 4318 would,
 * so "tracing on" costs what exporting really costs. With `spansFile`, every span received is
 * also appended to that file as a JSON line ({@link SpanLine}), for reading a run's traces
 * afterwards (where an order's time went, hop by hop).
 */
export async function startTraceSink(port = OTLP_PORT, spansFile?: string): Promise<TraceSink> {
  let requests = 0;
  let spans = 0;
  const file = spansFile ? createWriteStream(spansFile, { flags: 'a' }) : undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const body = Buffer.concat(chunks).toString();
      if (file) {
        const lines = spanLines(body);
        spans += lines.length;
        for (const line of lines) file.write(`${JSON.stringify(line)}\n`);
      } else {
        spans += spansInExport(body);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(port, '127.0.0.1', resolve),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    exports: () => requests,
    spans: () => spans,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
    },
  };
}
