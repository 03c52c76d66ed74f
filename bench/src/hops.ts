// `pnpm --filter @bazaar/bench hops -- FILE [--last]`: where the time of a checkout order went,
// hop by hop, from the spans a `pnpm bench -- --spans FILE` run wrote (or any file of such JSON
// lines); `--last` keeps the orders of the file's last run only (the last paced system segment).
// Each hop is the time from one point of an order's way to the next, over the orders whose trace
// shows every point; span starts have 1 ms resolution (the SDK anchors them to the wall clock).
import { readFileSync } from 'node:fs';
import { percentiles } from './load.js';
import { ms, printTable } from './report.js';
import type { SpanLine } from './system.js';

/** A point of an order's way: the start or the end of the first span of its trace that matches. */
interface Point {
  label: string;
  service: string;
  /** The span's name, or the routing key of the event it publishes or processes. */
  span: string | { publish: string } | { process: string };
  at: 'start' | 'end';
}

const routingKey = (span: SpanLine) =>
  span.attributes['messaging.rabbitmq.destination.routing_key'];

/** From the storefront's accept to orders applying payment.authorized. */
export const POINTS: Point[] = [
  { label: 'storefront accepts', service: 'storefront', span: 'POST /v1/orders', at: 'start' },
  { label: 'orders answers (placed)', service: 'orders', span: 'POST /v1/orders', at: 'end' },
  {
    label: 'order.created published',
    service: 'orders',
    span: { publish: 'order.created' },
    at: 'start',
  },
  {
    label: 'catalog receives it',
    service: 'catalog',
    span: { process: 'order.created' },
    at: 'start',
  },
  {
    label: 'catalog done (committed, acked)',
    service: 'catalog',
    span: { process: 'order.created' },
    at: 'end',
  },
  {
    label: 'stock.reserved published',
    service: 'catalog',
    span: { publish: 'stock.reserved' },
    at: 'start',
  },
  {
    label: 'payments receives it',
    service: 'payments',
    span: { process: 'stock.reserved' },
    at: 'start',
  },
  {
    label: 'payments done (operation asked)',
    service: 'payments',
    span: { process: 'stock.reserved' },
    at: 'end',
  },
  {
    label: 'provider call starts',
    service: 'payments',
    span: 'payments.provider authorize',
    at: 'start',
  },
  {
    label: 'outcome committed',
    service: 'payments',
    span: 'payments.provider authorize',
    at: 'end',
  },
  {
    label: 'payment.authorized published',
    service: 'payments',
    span: { publish: 'payment.authorized' },
    at: 'start',
  },
  {
    label: 'orders receives it',
    service: 'orders',
    span: { process: 'payment.authorized' },
    at: 'start',
  },
  {
    label: 'orders done (confirmed)',
    service: 'orders',
    span: { process: 'payment.authorized' },
    at: 'end',
  },
];

function matches(span: SpanLine, point: Point): boolean {
  if (span.service !== point.service) return false;
  if (typeof point.span === 'string') return span.name === point.span;
  const [operation, key] =
    'publish' in point.span ? ['publish', point.span.publish] : ['process', point.span.process];
  return span.attributes['messaging.operation.name'] === operation && routingKey(span) === key;
}

export interface Hop {
  label: string;
  p50: number;
  p95: number;
  p99: number;
}

/** Each hop's percentiles (ms) over the traces that show every point, and how many did. */
export function hops(spans: readonly SpanLine[]): { orders: number; hops: Hop[] } {
  const traces = new Map<string, SpanLine[]>();
  for (const span of spans) {
    const trace = traces.get(span.traceId ?? '') ?? [];
    trace.push(span);
    traces.set(span.traceId ?? '', trace);
  }
  const gaps: number[][] = POINTS.slice(1).map(() => []);
  let orders = 0;
  for (const trace of traces.values()) {
    trace.sort((a, b) => a.startMs - b.startMs);
    const times = POINTS.map((point) => {
      const span = trace.find((s) => matches(s, point));
      return span && (point.at === 'start' ? span.startMs : span.endMs);
    });
    if (times.some((time) => time === undefined)) continue;
    orders += 1;
    for (let i = 1; i < times.length; i++) gaps[i - 1]!.push(times[i]! - times[i - 1]!);
  }
  return {
    orders,
    hops: gaps.map((values, i) => {
      const { p50, p95, p99 } = percentiles(values);
      return { label: POINTS[i + 1]!.label, p50, p95, p99 };
    }),
  };
}

/** A pause between two accepted orders that ends one run of the bench and starts the next. */
const RUN_PAUSE_MS = 1000;

/**
 * The spans of the orders of the last run in `spans`: a `--spans` file holds every checkout
 * of a bench (the saturated run, then each paced system segment), each a stream of accepts with
 * a pause of a second or more before the next run's (its warm-up comes with it when it follows
 * without such a pause).
 */
export function lastRun(spans: readonly SpanLine[]): SpanLine[] {
  const accepts = spans
    .filter((span) => matches(span, POINTS[0]!))
    .sort((a, b) => a.startMs - b.startMs);
  let first = 0;
  for (let i = 1; i < accepts.length; i++) {
    if (accepts[i]!.startMs - accepts[i - 1]!.startMs >= RUN_PAUSE_MS) first = i;
  }
  const traces = new Set(accepts.slice(first).map((span) => span.traceId));
  return spans.filter((span) => traces.has(span.traceId));
}

if (process.argv[1]?.endsWith('hops.ts')) {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const last = args.includes('--last');
  const file = args.find((arg) => !arg.startsWith('--'));
  if (!file) {
    process.stderr.write(
      'usage: pnpm --filter @bazaar/bench hops -- FILE [--last] (FILE from --spans FILE; --last: only the last run in it, the last paced system segment)\n',
    );
    process.exit(2);
  }
  const all = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SpanLine);
  const { orders, hops: figures } = hops(last ? lastRun(all) : all);
  printTable(
    `Where an order's time went: ${orders} orders with every point traced (time from the point before)`,
    figures.map((hop) => [hop.label, ms(hop.p50), `p95 ${ms(hop.p95)}, p99 ${ms(hop.p99)}`]),
  );
}
