import type { Migrations } from '@bazaar/db';
import { messagingMigrations } from '@bazaar/messaging';
import * as textSearch from './2026-11-22-01-text-search.js';
import * as searchDocuments from './2026-11-22-02-search-documents.js';
import * as searchWords from './2026-11-22-03-search-words.js';
import * as facetsIndex from './2026-11-22-04-facets-index.js';
import * as nameVector from './2026-11-25-01-name-vector.js';
import * as plannerSettings from './2026-11-25-02-planner-settings.js';
import * as changeLog from './2026-12-06-01-change-log.js';

/** Every migration of the search database, oldest first; names are date-prefixed and frozen. */
export const migrations: Migrations = {
  ...messagingMigrations,
  '2026-11-22-01-text-search': textSearch,
  '2026-11-22-02-search-documents': searchDocuments,
  '2026-11-22-03-search-words': searchWords,
  '2026-11-22-04-facets-index': facetsIndex,
  '2026-11-25-01-name-vector': nameVector,
  '2026-11-25-02-planner-settings': plannerSettings,
  '2026-12-06-01-change-log': changeLog,
};
