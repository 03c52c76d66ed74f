import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ROOT } from '../src/workspace.js';

// The folders of a service's `src` form layers (docs/conventions.md, "The layout of a service"):
// routes and events/consumers call domain/, domain/ calls db/ and its adapters, never back. A
// top-level file (app.ts, errors.ts, ...) counts as a folder of its own. Type-only imports
// (`import type`, or every name marked `type`) are left out: they are erased at compile time,
// and a repository may name the domain types it returns.

const SERVICES = join(ROOT, 'services');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const STATIC_IMPORT = /^\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*'(\.[^']*)'/gm;
const BARE_IMPORT = /^\s*import\s*'(\.[^']*)'/gm;
const DYNAMIC_IMPORT = /import\(\s*'(\.[^']*)'\s*\)/g;

/** The relative specifiers a file imports at run time. */
function runtimeImports(text: string): string[] {
  const found: string[] = [];
  for (const [, , typeKeyword, clause, specifier] of text.matchAll(STATIC_IMPORT)) {
    const names = /^\{([^}]*)\}$/.exec(clause!.trim())?.[1];
    const everyNameTyped =
      names !== undefined &&
      names
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
        .every((name) => name.startsWith('type '));
    if (!typeKeyword && !everyNameTyped) found.push(specifier!);
  }
  for (const [, specifier] of text.matchAll(BARE_IMPORT)) found.push(specifier!);
  for (const [, specifier] of text.matchAll(DYNAMIC_IMPORT)) found.push(specifier!);
  return found;
}

/** Top-level folder -> the top-level folders it imports at run time (and from which files). */
function folderGraph(src: string): Map<string, Map<string, string>> {
  const folderOf = (path: string) => relative(src, path).split('/')[0]!.replace(/\.ts$/, '');
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(src)) {
    const from = folderOf(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier);
      if (relative(src, target).startsWith('..')) continue;
      const to = folderOf(target.replace(/\.js$/, '.ts'));
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, relative(src, file));
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Each cycle as `a -> b -> a` with the file that makes each step, found by depth-first search. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      const loop = [...path.slice(at), node];
      found.push(
        loop
          .slice(1)
          .map((to, i) => `${loop[i]} -> ${to} (${graph.get(loop[i]!)!.get(to)})`)
          .join(', '),
      );
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node)?.keys() ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

describe('folders of a service', () => {
  it('when a file imports only types from a folder, then that import does not count', () => {
    const text = [
      "import type { A } from '../domain/a.js';",
      "import { type B, type C } from '../domain/b.js';",
      "import { d, type E } from '../db/d.js';",
      "export { f } from './f.js';",
      "import './g.js';",
      "const h = await import('./h.js');",
    ].join('\n');
    expect(runtimeImports(text)).toEqual(['../db/d.js', './f.js', './g.js', './h.js']);
  });

  it('when a folder imports another, then that one never imports it back, directly or around', () => {
    const services = readdirSync(SERVICES).filter((name) => {
      try {
        return statSync(join(SERVICES, name, 'src')).isDirectory();
      } catch {
        return false;
      }
    });
    expect(services.length).toBeGreaterThanOrEqual(6);
    const found = services.flatMap((service) =>
      cycles(folderGraph(join(SERVICES, service, 'src'))).map((cycle) => `${service}: ${cycle}`),
    );
    expect(found).toEqual([]);
  });
});
