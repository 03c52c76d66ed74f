import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type ServiceName } from '../workspace.js';
import type { EventSnapshot } from './event-compat.js';
import type { OpenApiDocument } from './openapi-compat.js';

/**
 * Committed contracts live at the repository root, one file per event type and per service, so
 * a team's snapshot refresh touches only its own files:
 * `contracts-snapshots/events/<type>.json`, `contracts-snapshots/openapi/<service>.json`.
 */
export const SNAPSHOT_DIR = join(ROOT, 'contracts-snapshots');

const eventsDir = (dir: string) => join(dir, 'events');
const openApiDir = (dir: string) => join(dir, 'openapi');

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function readEventSnapshots(dir = SNAPSHOT_DIR): Record<string, EventSnapshot> {
  const found: Record<string, EventSnapshot> = {};
  if (!existsSync(eventsDir(dir))) return found;
  for (const file of readdirSync(eventsDir(dir)).filter((f) => f.endsWith('.json'))) {
    const snapshot = readJson<EventSnapshot>(join(eventsDir(dir), file));
    found[snapshot.type] = snapshot;
  }
  return found;
}

export function readOpenApiSnapshot(
  service: ServiceName,
  dir = SNAPSHOT_DIR,
): OpenApiDocument | undefined {
  const file = join(openApiDir(dir), `${service}.json`);
  return existsSync(file) ? readJson<OpenApiDocument>(file) : undefined;
}

function write(file: string, value: unknown) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function writeEventSnapshots(snapshots: Record<string, EventSnapshot>, dir = SNAPSHOT_DIR) {
  mkdirSync(eventsDir(dir), { recursive: true });
  for (const snapshot of Object.values(snapshots)) {
    write(join(eventsDir(dir), `${snapshot.type}.json`), snapshot);
  }
}

export function writeOpenApiSnapshot(
  service: ServiceName,
  document: OpenApiDocument,
  dir = SNAPSHOT_DIR,
) {
  mkdirSync(openApiDir(dir), { recursive: true });
  write(join(openApiDir(dir), `${service}.json`), document);
}
