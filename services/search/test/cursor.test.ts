import { decodeCursor, encodeCursor, fingerprint, isValidKey } from '../src/domain/cursor.js';
import { priceFacets } from '../src/domain/price-buckets.js';
import { PRICE_THRESHOLDS } from '../src/engine/price-thresholds.js';

const ID = '0190f5e4-1c2b-7a3d-8e4f-5a6b7c8d9e0f';

describe('cursors', () => {
  const print = fingerprint(['shoes', { brands: ['Nike'] }, 'relevance']);

  it('when a cursor is decoded for the same query, then it gives back its position', () => {
    const cursor = encodeCursor({ mode: 'fuzzy', key: '0.5', id: ID }, print);
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(decodeCursor(cursor, print, 'score')).toEqual({ mode: 'fuzzy', key: '0.5', id: ID });
  });

  it('when a cursor is used with another query, then it is refused as a 400', () => {
    const cursor = encodeCursor({ mode: 'exact', key: '0.5', id: ID }, print);
    expect(() => decodeCursor(cursor, fingerprint(['boots']), 'score')).toThrow(
      expect.objectContaining({ status: 400, code: 'SEARCH_INVALID_CURSOR' }),
    );
  });

  it('when a cursor is garbage or forged, then it is refused as a 400', () => {
    const forge = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    const bad = [
      '!!!',
      'bnVsbA',
      forge(null),
      forge({ v: 2, f: print, m: 'exact', k: '1', i: ID }),
      forge({ v: 1, f: print, m: 'other', k: '1', i: ID }),
      forge({ v: 1, f: print, m: 'exact', k: '1', i: 'not-a-uuid' }),
      forge({ v: 1, f: print, m: 'exact', k: 1, i: ID }),
      forge({ v: 1, f: print, m: 'exact', k: '1; drop table x', i: ID }),
    ];
    for (const cursor of bad) {
      expect(() => decodeCursor(cursor, print, 'score')).toThrow(
        expect.objectContaining({ status: 400 }),
      );
    }
  });

  it('when a key is checked, then only what Postgres can read back for that sort passes', () => {
    expect(isValidKey('score', '0.30000001192092896')).toBe(true);
    expect(isValidKey('score', '6.1e-05')).toBe(true);
    expect(isValidKey('score', '1e400')).toBe(false);
    expect(isValidKey('score', 'NaN')).toBe(false);
    expect(isValidKey('amount', '149900')).toBe(true);
    expect(isValidKey('amount', '-1')).toBe(false);
    expect(isValidKey('amount', '9'.repeat(16))).toBe(false);
    expect(isValidKey('time', '2026-01-01T00:00:01.000000Z')).toBe(true);
    expect(isValidKey('time', '2026-02-30T00:00:00.000000Z')).toBe(false);
    expect(isValidKey('time', '2026-01-01T24:00:00.000000Z')).toBe(false);
    expect(isValidKey('time', '2026-01-01 00:00:00+00')).toBe(false);
    expect(isValidKey('time', 'x'.repeat(41))).toBe(false);
  });
});

describe('price ranges', () => {
  it('when counts are given by bucket, then every fixed range is listed with its count', () => {
    const ranges = priceFacets(
      new Map([
        [0, 2],
        [6, 1],
      ]),
    );
    expect(ranges).toHaveLength(PRICE_THRESHOLDS.length + 1);
    expect(ranges[0]).toEqual({ min: 0, max: 1000, count: 2 });
    expect(ranges[1]).toEqual({ min: 1000, max: 2500, count: 0 });
    expect(ranges.at(-1)).toEqual({ min: 50000, max: null, count: 1 });
  });
});
