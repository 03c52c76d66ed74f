import { captureOpenApi } from '../src/contracts/capture-openapi.js';
import { compareEventCatalog } from '../src/contracts/event-compat.js';
import { currentEventSnapshots } from '../src/contracts/event-snapshots.js';
import { compareOpenApi } from '../src/contracts/openapi-compat.js';
import { spectralFindings } from '../src/contracts/openapi-lint.js';
import { readEventSnapshots, readOpenApiSnapshot } from '../src/contracts/snapshot-store.js';
import { DATA_SERVICE_NAMES } from '../src/workspace.js';

// The committed contracts (contracts-snapshots/) against the code as it is: a change that would
// break a consumer fails here, an additive one passes. After an intended, compatible change:
// `pnpm --filter @bazaar/delivery-tests contracts:update` (docs/deploy.md).
const explain = (problems: { where: string; message: string }[]) =>
  problems.map((p) => `${p.where}: ${p.message}`);

describe('contract snapshots', () => {
  it('when the event catalogue is compared with its snapshot, then no consumer breaks', () => {
    const committed = readEventSnapshots();
    expect(Object.keys(committed).length).toBeGreaterThan(0);
    expect(explain(compareEventCatalog(committed, currentEventSnapshots()))).toEqual([]);
  });

  it.each(DATA_SERVICE_NAMES)(
    'when the OpenAPI document %s serves is compared with its snapshot, then no client breaks and it lints clean',
    async (service) => {
      const committed = readOpenApiSnapshot(service);
      expect([service, committed?.openapi]).toEqual([service, '3.1.0']);
      const served = await captureOpenApi(service, { timeoutMs: 120_000 });
      expect(explain(compareOpenApi(committed!, served))).toEqual([]);
      // What it serves now is as clean as what was committed (spectral:oas, openapi-lint.test.ts).
      expect(await spectralFindings(served)).toEqual([]);
    },
    180_000,
  );
});
