import { removedFields, subsumes, type Issue, type JsonSchema } from './schema-compat.js';

/** One event type as committed in `contracts-snapshots/events/<type>.json`. */
export interface EventSnapshot {
  type: string;
  /** The version producers publish. */
  current: number;
  /** Every version consumers accept, by number. */
  versions: Record<string, JsonSchema>;
}

export interface Breaking {
  /** What broke: `order.created@1 /lines/[]/quantity`, `GET /v1/orders 200 /items`. */
  where: string;
  message: string;
}

/**
 * Compares an event type's committed snapshot with what the catalogue says now.
 *
 * Producers and consumers deploy independently, so the data of a version must keep meaning the
 * same in both directions: what an old producer sends must pass a new consumer, and what a new
 * producer sends must pass an old consumer. That leaves additive changes (a new optional field
 * on an open object, a new event type, a new version) and rules out the rest for an existing
 * version. A breaking change is a new version, published as `current` while the previous
 * `current` stays listed so consumers still accept it. Versions older than the previous
 * `current` may be retired: they were superseded at least one snapshot ago.
 */
export function compareEvent(before: EventSnapshot, after: EventSnapshot | undefined): Breaking[] {
  const type = before.type;
  if (!after) {
    return [{ where: type, message: 'event type removed (consumers still subscribe to it)' }];
  }
  const problems: Breaking[] = [];
  if (after.current < before.current) {
    problems.push({
      where: type,
      message: `current version went back from ${before.current} to ${after.current}`,
    });
  }
  for (const [version, schema] of Object.entries(before.versions)) {
    const next = after.versions[version];
    if (next === undefined) {
      if (Number(version) >= before.current) {
        problems.push({
          where: `${type}@${version}`,
          message:
            `version ${version} removed while producers may still publish it ` +
            '(keep it listed until a snapshot has shown the newer version as current)',
        });
      }
      continue;
    }
    const where = `${type}@${version}`;
    problems.push(...versionProblems(where, schema, next));
  }
  return problems;
}

function versionProblems(where: string, before: JsonSchema, after: JsonSchema): Breaking[] {
  const found: Breaking[] = [];
  const seen = new Set<string>();
  const add = (issues: Issue[], prefix: string) => {
    for (const issue of issues) {
      const key = `${issue.path} ${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ where: `${where} ${issue.path}`, message: `${prefix}${issue.message}` });
    }
  };
  add(removedFields(before, after), '');
  add(subsumes(after, before), 'old producers break new consumers: ');
  add(subsumes(before, after, { newer: 'narrower' }), 'new producers break old consumers: ');
  return found;
}

/** Compares a whole catalogue: every committed event type against the current one. */
export function compareEventCatalog(
  before: Record<string, EventSnapshot>,
  after: Record<string, EventSnapshot>,
): Breaking[] {
  return Object.keys(before)
    .sort()
    .flatMap((type) => compareEvent(before[type], after[type]));
}
