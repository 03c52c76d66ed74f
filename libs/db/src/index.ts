export {
  createDb,
  ensureDatabase,
  dropDatabase,
  pingDatabase,
  type DbOptions,
} from './database.js';
export { migrateDatabase, migrateToLatest, openDatabase, type Migrations } from './migrate.js';
