// Tracing's cost, made sturdier than one off run beside one on run: segments of the same paced
// checkout alternate between tracing off and on at 100%, each on a freshly started system, and
// the comparison is of the medians, with every segment and every pair's ratio shown beside it.

import { alternate, median, pairRatios } from '../segments.js';

export type TracingMode = 'off' | 'on';

/** The order of the segments: `pairs` pairs of off and on, alternating which runs first. */
export function tracingSchedule(pairs: number): TracingMode[] {
  return alternate(pairs, 'off' as const, 'on' as const);
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
  const ratios = (figure: (s: TracingSegment) => number) =>
    pairRatios(segments, (s) => s.mode, ['off', 'on'], figure).map((ratio) => ratio - 1);
  const pairs = { total: ratios((s) => s.totalMs), services: ratios((s) => s.servicesMs) };
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
