import { captureOpenApi } from '../src/contracts/capture-openapi.js';
import { spectralFindings } from '../src/contracts/openapi-lint.js';
import { readOpenApiSnapshot } from '../src/contracts/snapshot-store.js';
import { DATA_SERVICE_NAMES } from '../src/workspace.js';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * Client-grade documents (issue #22): every document a service serves passes Spectral's
 * `spectral:oas` ruleset (the field's OpenAPI linter, its recommended rules) with no finding —
 * each operation has a unique `operationId` and a description, the document its `servers` and
 * contact, every tag used is defined. Read from the committed documents, which
 * `contracts:update` writes from the served ones (the served ones are linted too, in
 * contracts.test.ts, which captures them); the web shop's (it has no contract: its
 * document describes its pages, served inside the cluster only) as it serves it.
 */
describe('OpenAPI documents lint clean', () => {
  it.each(DATA_SERVICE_NAMES)(
    "when %s's document is linted with spectral:oas, then it has no finding",
    async (name) => {
      const document = readOpenApiSnapshot(name);
      expect(document).toBeDefined();
      expect(await spectralFindings(document)).toEqual([]);
    },
  );

  it('when the document the web shop serves is linted with spectral:oas, then it has no finding', async () => {
    const document = await captureOpenApi('web', { timeoutMs: 120_000 });
    expect(await spectralFindings(document)).toEqual([]);
    expect(Object.keys(document.paths ?? {}).length).toBeGreaterThan(10);
  }, 180_000);

  it.each(DATA_SERVICE_NAMES)(
    "when %s's operations are named, then each operationId is camelCase (a client method's name)",
    (name) => {
      const document = readOpenApiSnapshot(name);
      const misnamed: string[] = [];
      for (const [path, operations] of Object.entries(document?.paths ?? {})) {
        for (const [method, value] of Object.entries(operations)) {
          if (!METHODS.has(method)) continue;
          const id = (value as { operationId?: unknown }).operationId;
          if (typeof id !== 'string' || !/^[a-z][a-zA-Z0-9]*$/.test(id)) {
            misnamed.push(`${method.toUpperCase()} ${path}: ${String(id)}`);
          }
        }
      }
      expect(misnamed).toEqual([]);
    },
  );
});
