import { backoffDelay, parseRetryAfter } from '../src/index.js';

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

  it('when Retry-After is seconds, a date, absent or junk, then it parses to seconds or undefined', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
