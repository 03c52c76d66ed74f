import { signedPercent, tracingSchedule, tracingSummary } from '../src/scenarios/tracing.js';

describe("the tracing scenario's segments", () => {
  it('when pairs are scheduled, then off and on alternate which runs first', () => {
    expect(tracingSchedule(1)).toEqual(['off', 'on']);
    expect(tracingSchedule(3)).toEqual(['off', 'on', 'on', 'off', 'off', 'on']);
  });

  it('when segments are summed up, then the medians are compared and each pair is shown in its order', () => {
    const summary = tracingSummary([
      { mode: 'off', totalMs: 10, servicesMs: 5 },
      { mode: 'on', totalMs: 11, servicesMs: 6 },
      { mode: 'on', totalMs: 15, servicesMs: 8 },
      { mode: 'off', totalMs: 12, servicesMs: 6 },
      { mode: 'off', totalMs: 20, servicesMs: 7 },
      { mode: 'on', totalMs: 13, servicesMs: 7 },
    ]);
    expect(summary.off).toEqual({ totalMs: 12, servicesMs: 6 });
    expect(summary.on).toEqual({ totalMs: 13, servicesMs: 7 });
    expect(summary.more.total).toBeCloseTo(13 / 12 - 1);
    expect(summary.more.services).toBeCloseTo(7 / 6 - 1);
    expect(summary.pairs.total.map((p) => Math.round(p * 100))).toEqual([10, 25, -35]);
    expect(summary.pairs.services.map((p) => Math.round(p * 100))).toEqual([20, 33, 0]);
  });

  it('when a fraction is shown, then it is a signed whole percentage, and n/a for none', () => {
    expect(signedPercent(0.123)).toBe('+12%');
    expect(signedPercent(-0.05)).toBe('-5%');
    expect(signedPercent(NaN)).toBe('n/a');
  });
});
