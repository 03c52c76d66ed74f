import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { ROOT } from '../src/workspace.js';

// One version per dependency: what more than one package uses is pinned once, in the default
// catalog of pnpm-workspace.yaml, and each package asks for `catalog:` (docs/decisions.md).
const KINDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

function manifests(): Array<{ dir: string; deps: Array<[string, string]> }> {
  const dirs = [
    '.',
    'bench',
    ...['libs', 'services', 'tests'].flatMap((parent) =>
      readdirSync(join(ROOT, parent)).map((name) => `${parent}/${name}`),
    ),
  ].filter((dir) => existsSync(join(ROOT, dir, 'package.json')));
  return dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    const deps = KINDS.flatMap((kind) => Object.entries(pkg[kind] ?? {})).filter(
      ([, spec]) => !spec.startsWith('workspace:'),
    );
    return { dir, deps };
  });
}

describe('dependency versions', () => {
  const catalog =
    (
      parse(readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8')) as {
        catalog?: Record<string, string>;
      }
    ).catalog ?? {};

  it('when more than one package uses a dependency, then every one of them takes it from the catalog', () => {
    const users = new Map<string, string[]>();
    for (const { dir, deps } of manifests()) {
      for (const [name] of deps) users.set(name, [...(users.get(name) ?? []), dir]);
    }
    const stray = manifests().flatMap(({ dir, deps }) =>
      deps
        .filter(
          ([name, spec]) => (users.get(name)!.length > 1 || name in catalog) && spec !== 'catalog:',
        )
        .map(([name, spec]) => `${dir}: ${name} ${spec}`),
    );
    expect(stray).toEqual([]);
  });

  it('when a package asks for catalog:, then the catalog pins that dependency', () => {
    const missing = manifests().flatMap(({ dir, deps }) =>
      deps
        .filter(([name, spec]) => spec === 'catalog:' && !(name in catalog))
        .map(([name]) => `${dir}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
