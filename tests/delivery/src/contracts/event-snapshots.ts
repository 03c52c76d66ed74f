import { Events } from '@bazaar/contracts';
import type { EventSnapshot } from './event-compat.js';

/**
 * The event catalogue as plain JSON Schema, one snapshot per event type. TypeBox schemas are
 * JSON Schema already; a JSON round trip drops TypeBox's symbol-keyed metadata.
 */
export function currentEventSnapshots(): Record<string, EventSnapshot> {
  const snapshots: Record<string, EventSnapshot> = {};
  for (const [type, entry] of Object.entries(Events)) {
    const { current, versions } = entry as { current: number; versions: Record<string, unknown> };
    snapshots[type] = JSON.parse(JSON.stringify({ type, current, versions })) as EventSnapshot;
  }
  return snapshots;
}
