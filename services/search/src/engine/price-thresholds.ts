/**
 * Fixed price ranges for the price facet, in minor units (EUR cents): under 10, 10–25,
 * 25–50, 50–100, 100–250, 250–500, 500 and over. Each range includes its lower bound and
 * excludes its upper one. Fixed rather than computed from the results, so a shopper sees the
 * same ranges on every query and a range's link stays valid.
 *
 * The in-memory index and the SQL path (`width_bucket`) both bucket prices by these.
 */
export const PRICE_THRESHOLDS = [1_000, 2_500, 5_000, 10_000, 25_000, 50_000] as const;
