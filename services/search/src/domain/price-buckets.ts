import { PRICE_THRESHOLDS } from '../engine/price-thresholds.js';
import type { PriceFacet } from './search-request.js';

/** The ranges with their counts; `counts` by bucket number as `width_bucket` numbers them. */
export function priceFacets(counts: ReadonlyMap<number, number>): PriceFacet[] {
  const bounds = [0, ...PRICE_THRESHOLDS];
  return bounds.map((min, bucket) => ({
    min,
    max: bucket < PRICE_THRESHOLDS.length ? PRICE_THRESHOLDS[bucket] : null,
    count: counts.get(bucket) ?? 0,
  }));
}
