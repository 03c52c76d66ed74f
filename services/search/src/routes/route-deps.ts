import type { SearchTimers } from '../metrics.js';
import type { IndexFollower } from '../sync/index-follower.js';

/** What route plugins are given by `buildApp`. */
export interface RouteDeps {
  /** This replica's index follower: the in-memory index searches run against. */
  follower: IndexFollower;
  /** Records one search's durations: the engine's and the whole handler's. */
  timers: SearchTimers;
}
