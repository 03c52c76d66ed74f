export {
  createDb,
  ensureDatabase,
  dropDatabase,
  pingDatabase,
  type DbOptions,
} from './database.js';
export { migrateToLatest, type Migrations } from './migrate.js';
