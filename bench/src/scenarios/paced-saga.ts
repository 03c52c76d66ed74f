// The paced target of #21 (placed -> confirmed p99 within 1.5x of the bare saga's at the same
// rate), made sturdier than one system run beside one bare run: on this shared machine the host
// alone moved the bare saga's paced p50 from 21 to 42 ms within one session. Segments of the
// system and of the bare saga alternate at the same rate, and the medians are compared, with
// every segment and every pair's own ratio shown beside them.
import type { Latency, OnsetSplit } from '../load.js';
import { alternate, median, pairRatios } from '../segments.js';

export type PacedSide = 'system' | 'bare';

/** The order of the segments: `pairs` pairs of system and bare, alternating which runs first. */
export function pacedSchedule(pairs: number): PacedSide[] {
  return alternate(pairs, 'system' as const, 'bare' as const);
}

/** One segment's latencies (ms) and CPU per confirmed order (ms, the load generator apart). */
export interface PacedSegment {
  side: PacedSide;
  placedToConfirmed: Latency;
  /** The same, of the orders placed in the onset (`ONSET_MS`, `byOnset` in load.ts) and after. */
  byOnset: OnsetSplit;
  accepted: Latency;
  cpuMs: number;
}

export type PacedMedians = Omit<PacedSegment, 'side'>;

export interface PacedSummary {
  system: PacedMedians;
  bare: PacedMedians;
  /** The target's ratio: the system's median placed -> confirmed p99 over the bare saga's. */
  ratio: number;
  /** Each pair's own ratio of the same p99s, in the order the pairs ran. */
  pairs: number[];
  /** The medians' ratio over the orders placed after the onset only (not the target's). */
  afterOnsetRatio: number;
}

/** Segments in the order they ran (two to a pair, as {@link pacedSchedule} makes them). */
export function pacedSummary(segments: readonly PacedSegment[]): PacedSummary {
  const side = (which: PacedSide): PacedMedians => {
    const of = segments.filter((s) => s.side === which);
    const mid = (figure: (s: PacedSegment) => number) => median(of.map(figure));
    const midLatency = (pick: (s: PacedSegment) => Latency): Latency => ({
      p50: mid((s) => pick(s).p50),
      p99: mid((s) => pick(s).p99),
    });
    return {
      placedToConfirmed: midLatency((s) => s.placedToConfirmed),
      accepted: midLatency((s) => s.accepted),
      byOnset: {
        onset: midLatency((s) => s.byOnset.onset),
        after: midLatency((s) => s.byOnset.after),
      },
      cpuMs: mid((s) => s.cpuMs),
    };
  };
  const system = side('system');
  const bare = side('bare');
  return {
    system,
    bare,
    ratio: system.placedToConfirmed.p99 / bare.placedToConfirmed.p99,
    pairs: pairRatios(
      segments,
      (s) => s.side,
      ['bare', 'system'],
      (s) => s.placedToConfirmed.p99,
    ),
    afterOnsetRatio: system.byOnset.after.p99 / bare.byOnset.after.p99,
  };
}
