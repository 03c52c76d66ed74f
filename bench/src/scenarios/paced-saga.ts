// The paced target of #21 (placed -> confirmed p99 within 1.5x of the bare saga's at the same
// rate), made sturdier than one system run beside one bare run: on this shared machine the host
// alone moved the bare saga's paced p50 from 21 to 42 ms within one session. Segments of the
// system and of the bare saga alternate at the same rate, and the medians are compared, with
// every segment and every pair's own ratio shown beside them.
import { alternate, median, pairRatios } from '../segments.js';

export type PacedSide = 'system' | 'bare';

/** The order of the segments: `pairs` pairs of system and bare, alternating which runs first. */
export function pacedSchedule(pairs: number): PacedSide[] {
  return alternate(pairs, 'system' as const, 'bare' as const);
}

/** One segment's latencies (ms) and CPU per confirmed order (ms, the load generator apart). */
export interface PacedSegment {
  side: PacedSide;
  placedToConfirmed: { p50: number; p99: number };
  accepted: { p50: number; p99: number };
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
}

/** Segments in the order they ran (two to a pair, as {@link pacedSchedule} makes them). */
export function pacedSummary(segments: readonly PacedSegment[]): PacedSummary {
  const side = (which: PacedSide): PacedMedians => {
    const of = segments.filter((s) => s.side === which);
    const mid = (figure: (s: PacedSegment) => number) => median(of.map(figure));
    return {
      placedToConfirmed: {
        p50: mid((s) => s.placedToConfirmed.p50),
        p99: mid((s) => s.placedToConfirmed.p99),
      },
      accepted: { p50: mid((s) => s.accepted.p50), p99: mid((s) => s.accepted.p99) },
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
  };
}
