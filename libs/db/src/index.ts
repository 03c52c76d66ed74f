export {
  createDb,
  ensureDatabase,
  dropDatabase,
  pingDatabase,
  type DbOptions,
} from './database.js';
export { migrateDatabase, migrateToLatest, openDatabase, type Migrations } from './migrate.js';
export { PLAN_EACH_TIME } from './prepared-statements.js';
export { observePool, registerPoolMetrics } from './pool-metrics.js';
export { watchCommits, WAKES_SETTING } from './commit-watch.js';
