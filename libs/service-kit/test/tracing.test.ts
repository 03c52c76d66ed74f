import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@bazaar/telemetry/testing';
import { testServerUrl } from '@bazaar/db/testing';

const fixture = join(__dirname, 'fixtures', 'traced-service');
const register = join(__dirname, '..', '..', 'telemetry', 'src', 'register.ts');

describe('telemetry in a running service', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());

  it('when a request is served, then its spans reach the OTLP endpoint as one trace and its logs carry the trace id', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@bazaar/source', '--import', 'tsx', '--import', register, 'server.ts'],
      {
        cwd: fixture,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          // A span per SQL statement is off by default; this test follows one into the trace.
          OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici,pg',
          DATABASE_URL: testServerUrl(),
          DEPLOYMENT_ENVIRONMENT: 'test',
        },
      },
    );
    const lines: string[] = [];
    const port = await new Promise<number>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        const match = /listening (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      }),
    );
    try {
      const response = await fetch(`http://127.0.0.1:${port}/work`);
      expect(await response.json()).toEqual({
        answer: 42,
        pong: { pong: true },
        again: { pong: true },
      });

      const spans = await receiver.waitFor((s) =>
        s.some((span) => span.attributes['http.route'] === '/work' && span.kind === 2),
      );
      const server = spans.find((s) => s.kind === 2 && s.attributes['http.route'] === '/work')!;
      expect(server.service).toBe('traced-fixture');
      const ofServer = (all: ReceivedSpan[]) => all.filter((s) => s.traceId === server.traceId);
      const isCall = (s: ReceivedSpan) =>
        s.kind === 3 && s.attributes['http.request.method'] === 'GET';
      const isPong = (s: ReceivedSpan) => s.attributes['http.route'] === '/pong';
      // The query's span, both calls' client and server spans, in the request's trace.
      const spansOfTrace = ofServer(
        await receiver.waitFor(
          (all) =>
            ofServer(all).some(
              (s) =>
                s.attributes['db.system'] === 'postgresql' ||
                s.attributes['db.system.name'] === 'postgresql',
            ) &&
            ofServer(all).filter(isPong).length >= 2 &&
            ofServer(all).filter(isCall).length >= 2,
        ),
      );
      // Let a duplicate (a second client span for one call) arrive, if there were one.
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Both outgoing calls (fetch, the service client) are one client span each, child of the
      // request's span, and each call's server span is the child of its client span.
      const clients = ofServer(receiver.spans).filter(isCall);
      expect(clients.map((s) => s.parentSpanId)).toEqual([server.spanId, server.spanId]);
      const pongs = spansOfTrace.filter(isPong);
      expect(pongs.map((s) => s.parentSpanId).sort()).toEqual(clients.map((s) => s.spanId).sort());

      const logged = lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'work done');
      expect(logged).toMatchObject({ trace_id: server.traceId, service: 'traced-fixture' });
      expect(logged?.span_id).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 180_000); // tsx compiles the server at start: seconds of CPU, much longer on a loaded machine
});
