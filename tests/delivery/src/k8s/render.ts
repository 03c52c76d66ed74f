import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../workspace.js';

/** A rendered Kubernetes object, loosely typed: the checks read what they need. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export const OVERLAYS = ['dev', 'staging', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** `kubectl kustomize <dir>`: the objects exactly as `kubectl apply -k` would send them. */
export function renderKustomization(dir: string): K8sObject[] {
  const output = execFileSync('kubectl', ['kustomize', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseAllDocuments(output)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

export function renderOverlay(overlay: Overlay): K8sObject[] {
  return renderKustomization(join(ROOT, 'kustomize', 'overlays', overlay));
}
