// Tracing's cost, made sturdier than one off run beside one on run: segments of the same paced
// checkout alternate between tracing off and on at 100%, each on a freshly started system, and
// the comparison is of the medians, with every segment and every pair's ratio shown beside it.

export type TracingMode = 'off' | 'on';

/**
 * The order of the segments: `pairs` pairs, alternating which comes first (off on, on off,
 * off on, ...), so a machine that gets busier or quieter over the run weighs on both sides
 * rather than on whichever always runs second.
 */
export function tracingSchedule(pairs: number): TracingMode[] {
  return Array.from({ length: pairs }, (_, i): TracingMode[] =>
    i % 2 === 0 ? ['off', 'on'] : ['on', 'off'],
  ).flat();
}

/** One segment's CPU per confirmed order (ms): everything, and the services' own processes. */
export interface TracingSegment {
  mode: TracingMode;
  totalMs: number;
  servicesMs: number;
}

export interface TracingSummary {
  off: { totalMs: number; servicesMs: number };
  on: { totalMs: number; servicesMs: number };
  /** Median on against median off, as a fraction (0.12 = 12% more CPU per order with tracing). */
  more: { total: number; services: number };
  /**
   * Each pair's own on against off, in the order they ran: all CPU per order, and the services'
   * own (steadier: Postgres and the broker are shared with whatever else the machine runs).
   */
  pairs: { total: number[]; services: number[] };
}

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Segments in the order they ran (two to a pair, as {@link tracingSchedule} makes them). */
export function tracingSummary(segments: TracingSegment[]): TracingSummary {
  const side = (mode: TracingMode) => {
    const of = segments.filter((s) => s.mode === mode);
    return {
      totalMs: median(of.map((s) => s.totalMs)),
      servicesMs: median(of.map((s) => s.servicesMs)),
    };
  };
  const off = side('off');
  const on = side('on');
  const pairs = { total: [] as number[], services: [] as number[] };
  for (let i = 0; i + 1 < segments.length; i += 2) {
    const pair = [segments[i], segments[i + 1]];
    const a = pair.find((s) => s.mode === 'off');
    const b = pair.find((s) => s.mode === 'on');
    if (!a || !b) continue;
    pairs.total.push(b.totalMs / a.totalMs - 1);
    pairs.services.push(b.servicesMs / a.servicesMs - 1);
  }
  return {
    off,
    on,
    more: { total: on.totalMs / off.totalMs - 1, services: on.servicesMs / off.servicesMs - 1 },
    pairs,
  };
}

/** A fraction as a signed percentage: 0.123 → "+12%". */
export const signedPercent = (fraction: number) =>
  Number.isFinite(fraction) ? `${fraction >= 0 ? '+' : ''}${Math.round(fraction * 100)}%` : 'n/a';
