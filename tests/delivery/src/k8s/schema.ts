import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../workspace.js';
import type { K8sObject } from './render.js';

// kubernetes-models ships the Kubernetes OpenAPI schemas of every built-in kind, compiled to
// validators (one module per apiVersion and kind). Loaded by path, so through `require`.
const load = createRequire(join(ROOT, 'tests', 'delivery', 'package.json'));

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  // Core kinds live under `kubernetes-models/v1/`, the others under `<group>/<version>/`.
  try {
    const module = load(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass>;
    return module[kind];
  } catch {
    return undefined;
  }
}

/**
 * The object's problems against the Kubernetes schema of its apiVersion and kind (required
 * fields, types, enums, formats); empty when valid. A kind with no schema is a problem too.
 */
export function schemaProblems(object: K8sObject): string[] {
  const Model = modelFor(object.apiVersion, object.kind);
  if (!Model) return [`no Kubernetes schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
