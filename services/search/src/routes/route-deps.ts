import type { IndexFollower } from '../sync/index-follower.js';

/** What route plugins are given by `buildApp`. */
export interface RouteDeps {
  /** This replica's index follower: the in-memory index searches run against. */
  follower: IndexFollower;
  /** Records one search's duration (seconds) in the query-time histogram. */
  observe: (seconds: number) => void;
}
