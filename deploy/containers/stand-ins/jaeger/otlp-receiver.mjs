// Stands in for Jaeger all-in-one in the container check (no Jaeger binary or image can be had
// there). No dependencies: Node's http and zlib only.
//   :4318   POST /v1/traces   OTLP/HTTP with JSON bodies (what @bazaar/telemetry exports)
//   :16686  GET /api/traces/<trace id>, GET /api/services   the shape of Jaeger's query API
//   :14269  GET /   200 (Jaeger's admin port, for the health check)
// Keeps the most recent MAX_SPANS spans in memory.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

const MAX_SPANS = Number(process.env.MAX_SPANS ?? 200_000);
/** Spans by trace id (lower-case hex), in arrival order. */
const traces = new Map();
let spanCount = 0;

/** OTLP/JSON ids are hex; the protobuf-style JSON mapping sends base64: accept both. */
function hexId(id) {
  if (typeof id !== 'string') return '';
  if (/^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

function attribute(attributes, key) {
  const found = (attributes ?? []).find((a) => a.key === key);
  return found?.value?.stringValue;
}

function store(request) {
  let added = 0;
  for (const resourceSpans of request.resourceSpans ?? []) {
    const serviceName =
      attribute(resourceSpans.resource?.attributes, 'service.name') ?? 'unknown_service';
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const traceId = hexId(span.traceId);
        const spans = traces.get(traceId) ?? [];
        spans.push({
          traceID: traceId,
          spanID: hexId(span.spanId),
          parentSpanID: hexId(span.parentSpanId),
          operationName: span.name,
          serviceName,
        });
        traces.set(traceId, spans);
        added++;
      }
    }
  }
  spanCount += added;
  // Maps iterate in insertion order: drop the oldest traces first.
  for (const [id, spans] of traces) {
    if (spanCount <= MAX_SPANS) break;
    spanCount -= spans.length;
    traces.delete(id);
  }
  return added;
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve(request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body);
    });
    request.on('error', reject);
  });
}

function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const receiver = createServer(async (request, response) => {
  if (request.method !== 'POST' || request.url !== '/v1/traces') return send(response, 404, {});
  if (!String(request.headers['content-type']).startsWith('application/json')) {
    return send(response, 415, { message: 'this stand-in reads OTLP/JSON only' });
  }
  try {
    store(JSON.parse((await readBody(request)).toString('utf8')));
    send(response, 200, {});
  } catch (error) {
    send(response, 400, { message: String(error) });
  }
});

/** One trace in the shape of Jaeger's `GET /api/traces/<id>` answer. */
function jaegerTrace(traceId, spans) {
  const processes = {};
  const processOf = new Map();
  for (const span of spans) {
    if (!processOf.has(span.serviceName)) {
      const id = `p${processOf.size + 1}`;
      processOf.set(span.serviceName, id);
      processes[id] = { serviceName: span.serviceName, tags: [] };
    }
  }
  return {
    traceID: traceId,
    spans: spans.map(({ serviceName, parentSpanID, ...span }) => ({
      ...span,
      references: parentSpanID
        ? [{ refType: 'CHILD_OF', traceID: traceId, spanID: parentSpanID }]
        : [],
      processID: processOf.get(serviceName),
    })),
    processes,
  };
}

const query = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://query');
  const match = /^\/api\/traces\/([0-9a-fA-F]{16,32})$/.exec(url.pathname);
  if (request.method === 'GET' && match) {
    const traceId = match[1].toLowerCase().padStart(32, '0');
    const spans = traces.get(traceId);
    if (!spans)
      return send(response, 404, { data: null, errors: [{ code: 404, msg: 'trace not found' }] });
    return send(response, 200, { data: [jaegerTrace(traceId, spans)] });
  }
  if (request.method === 'GET' && url.pathname === '/api/services') {
    const names = new Set([...traces.values()].flat().map((s) => s.serviceName));
    return send(response, 200, { data: [...names].sort() });
  }
  send(response, 404, {});
});

const admin = createServer((request, response) => send(response, 200, { status: 'up' }));

receiver.listen(4318, '0.0.0.0');
query.listen(16686, '0.0.0.0');
admin.listen(14269, '0.0.0.0');
const close = () => {
  for (const server of [receiver, query, admin]) server.close();
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
process.stdout.write(
  'OTLP/HTTP receiver on :4318, Jaeger-style query API on :16686, admin on :14269\n',
);
