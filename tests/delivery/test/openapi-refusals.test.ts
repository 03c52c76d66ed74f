import { readOpenApiSnapshot } from '../src/contracts/snapshot-store.js';
import { SERVICE_NAMES } from '../src/workspace.js';

interface Operation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Every 4xx a service answers is documented (issue #16): each operation lists the kit's `4XX`
 * problem+json, and an operation that can fail validation (it takes parameters or a body, or a
 * body may be sent and be malformed) lists 400 by name. Read from the committed documents,
 * which `contracts:update` writes from the served ones.
 */
describe('documented refusals', () => {
  it.each(SERVICE_NAMES)('when %s documents its operations, then each lists its 4xx', (name) => {
    const document = readOpenApiSnapshot(name);
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(document?.paths ?? {})) {
      for (const [method, value] of Object.entries(operations)) {
        const operation = value as Operation;
        const responses = operation.responses ?? {};
        if (!responses['4XX']?.content?.['application/problem+json']) {
          missing.push(`${method.toUpperCase()} ${path}: 4XX problem+json`);
        }
        const validates =
          (operation.parameters?.length ?? 0) > 0 ||
          operation.requestBody !== undefined ||
          BODY_METHODS.has(method);
        if (validates && !responses['400']) missing.push(`${method.toUpperCase()} ${path}: 400`);
      }
    }
    expect(missing).toEqual([]);
  });
});
