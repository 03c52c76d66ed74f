import { backoffDelay, backoffStep, parseRetryAfter } from '../src/index.js';

describe('backoff', () => {
  it('when attempts grow, then delays grow exponentially within half and full step, capped', () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffDelay(0, 100, 1000);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      const third = backoffDelay(2, 100, 1000);
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
      expect(backoffDelay(10, 100, 1000)).toBeLessThanOrEqual(1000);
    }
  });

  it('when the step is asked for, then it doubles per attempt from the base and stops at the cap', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffStep(attempt, 100))).toEqual([100, 200, 400, 800]);
    expect(backoffStep(5, 100, 1000)).toBe(1000);
    expect(backoffStep(5000, 0)).toBe(0);
    expect(Number.isFinite(backoffStep(5000, 100))).toBe(true);
  });

  it('when Retry-After is seconds, a date, absent or junk, then it parses to seconds or undefined', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
