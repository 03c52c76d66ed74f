// Comparisons made sturdier than one run of each side: segments of the two sides alternate,
// and the medians are compared, with every segment and every pair shown beside them.

/**
 * The order of the segments: `pairs` pairs, alternating which side comes first (a b, b a, a b,
 * ...), so a machine that gets busier or quieter over the run weighs on both sides rather than
 * on whichever always runs second.
 */
export function alternate<A, B>(pairs: number, a: A, b: B): Array<A | B> {
  return Array.from({ length: pairs }, (_, i): Array<A | B> =>
    i % 2 === 0 ? [a, b] : [b, a],
  ).flat();
}

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Each pair's `figure` of side `b` against side `a`'s (b / a), in the order the pairs ran;
 * `segments` two to a pair, as {@link alternate} makes them.
 */
export function pairRatios<S>(
  segments: readonly S[],
  sideOf: (segment: S) => string,
  [a, b]: [string, string],
  figure: (segment: S) => number,
): number[] {
  const ratios: number[] = [];
  for (let i = 0; i + 1 < segments.length; i += 2) {
    const pair = [segments[i], segments[i + 1]];
    const first = pair.find((s) => sideOf(s) === a);
    const second = pair.find((s) => sideOf(s) === b);
    if (first && second) ratios.push(figure(second) / figure(first));
  }
  return ratios;
}
