import { DATA_SERVICE_NAMES, type ServiceName } from '../workspace.js';
import { captureOpenApi, type CaptureOptions } from './capture-openapi.js';
import { compareEventCatalog, type Breaking, type EventSnapshot } from './event-compat.js';
import { currentEventSnapshots } from './event-snapshots.js';
import { compareOpenApi, type OpenApiDocument } from './openapi-compat.js';
import { readEventSnapshots, readOpenApiSnapshot } from './snapshot-store.js';

export interface ContractState {
  events: Record<string, EventSnapshot>;
  openapi: Partial<Record<ServiceName, OpenApiDocument>>;
}

/** What the code says now: the event catalogue and each service's served OpenAPI document. */
export async function currentContracts(
  services: ServiceName[] = DATA_SERVICE_NAMES,
  capture: CaptureOptions = {},
): Promise<ContractState> {
  const openapi: ContractState['openapi'] = {};
  // One at a time: each is a whole service process, and the machine is shared.
  for (const service of services) openapi[service] = await captureOpenApi(service, capture);
  return { events: currentEventSnapshots(), openapi };
}

/** Every change from the committed snapshots that would break a consumer. */
export function breakingChanges(
  current: ContractState,
  committed: ContractState = {
    events: readEventSnapshots(),
    openapi: Object.fromEntries(DATA_SERVICE_NAMES.map((s) => [s, readOpenApiSnapshot(s)])),
  },
): Breaking[] {
  const problems = compareEventCatalog(committed.events, current.events).map((p) => ({
    ...p,
    where: `event ${p.where}`,
  }));
  for (const [service, document] of Object.entries(current.openapi)) {
    const before = committed.openapi[service as ServiceName];
    if (!before || !document) continue;
    problems.push(
      ...compareOpenApi(before, document).map((p) => ({ ...p, where: `${service} ${p.where}` })),
    );
  }
  return problems;
}

export function formatProblems(problems: Breaking[]): string {
  return problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n');
}
