import { pacedSchedule, pacedSummary, type PacedSegment } from '../src/scenarios/paced-saga.js';
import { alternate, median, pairRatios } from '../src/segments.js';

describe('segments that alternate between two sides', () => {
  it('when pairs are scheduled, then the sides alternate which runs first', () => {
    expect(alternate(1, 'a', 'b')).toEqual(['a', 'b']);
    expect(alternate(3, 'a', 'b')).toEqual(['a', 'b', 'b', 'a', 'a', 'b']);
    expect(pacedSchedule(2)).toEqual(['system', 'bare', 'bare', 'system']);
  });

  it('when a median is taken, then an even count gives the mean of the middle two and nothing gives NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 1])).toBe(1);
    expect(median([])).toBeNaN();
  });

  it("when pairs are compared, then each pair gives its second side's figure over its first side's, whichever ran first", () => {
    const segments = [
      { side: 'a', x: 2 },
      { side: 'b', x: 3 },
      { side: 'b', x: 8 },
      { side: 'a', x: 4 },
      { side: 'a', x: 5 },
    ];
    expect(
      pairRatios(
        segments,
        (s) => s.side,
        ['a', 'b'],
        (s) => s.x,
      ),
    ).toEqual([1.5, 2]);
  });
});

describe("the paced saga's summary", () => {
  const segment = (side: PacedSegment['side'], p99: number, accepted: number): PacedSegment => ({
    side,
    placedToConfirmed: { p50: p99 / 2, p99 },
    byOnset: { onset: { p50: p99, p99: p99 * 2 }, after: { p50: p99 / 4, p99: p99 / 2 } },
    accepted: { p50: accepted / 4, p99: accepted },
    cpuMs: side === 'system' ? 9 : 8,
  });

  it("when segments are summed up, then the target's ratio is of the two sides' median p99s, and each pair's own ratio is shown in its order", () => {
    const summary = pacedSummary([
      segment('system', 120, 60),
      segment('bare', 100, 40),
      segment('bare', 60, 30),
      segment('system', 150, 90),
      segment('system', 90, 80),
      segment('bare', 80, 20),
    ]);
    expect(summary.system).toEqual({
      placedToConfirmed: { p50: 60, p99: 120 },
      byOnset: { onset: { p50: 120, p99: 240 }, after: { p50: 30, p99: 60 } },
      accepted: { p50: 20, p99: 80 },
      cpuMs: 9,
    });
    expect(summary.bare.placedToConfirmed.p99).toBe(80);
    expect(summary.ratio).toBeCloseTo(120 / 80);
    expect(summary.pairs).toEqual([1.2, 2.5, 90 / 80]);
    // Beside the target: the same medians over the orders placed after the onset.
    expect(summary.afterOnsetRatio).toBeCloseTo(60 / 40);
  });

  it('when only the system ran (a quick run), then its medians stand and the ratio is NaN', () => {
    const summary = pacedSummary([segment('system', 50, 10)]);
    expect(summary.system.placedToConfirmed.p99).toBe(50);
    expect(summary.ratio).toBeNaN();
    expect(summary.pairs).toEqual([]);
  });
});
