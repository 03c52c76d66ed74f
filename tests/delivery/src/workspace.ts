import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root: the nearest folder up from the working directory with
 * `pnpm-workspace.yaml` (jest runs from the root, package scripts from `tests/delivery`; this
 * code runs both as CommonJS under jest and as ES modules under tsx, so no `__dirname`).
 */
export const ROOT = findRoot(process.cwd());

function findRoot(start: string): string {
  let dir = resolve(start);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
    dir = parent;
  }
  return dir;
}

/**
 * The deployed services, their ports (DESIGN §6), what each calls over HTTP, and whether it has
 * a database of its own (migrations in an init container, a DATABASE_URL, an OpenAPI contract
 * for clients). The web shop has none of these: it is a client of the storefront, with pages.
 * `migrations`: whether it migrates a database before it serves; the storefront keeps no state
 * since issue #21 (its compose DATABASE_URL and contract stay, unused and checked).
 */
export const SERVICES = [
  {
    name: 'storefront',
    port: 8080,
    calls: ['catalog', 'orders', 'users', 'payments', 'search'],
    database: true,
    migrations: false,
  },
  { name: 'catalog', port: 8081, calls: ['users'], database: true, migrations: true },
  { name: 'orders', port: 8082, calls: ['catalog', 'users'], database: true, migrations: true },
  { name: 'users', port: 8083, calls: [], database: true, migrations: true },
  { name: 'payments', port: 8084, calls: ['users'], database: true, migrations: true },
  { name: 'search', port: 8085, calls: ['catalog', 'users'], database: true, migrations: true },
  { name: 'web', port: 8086, calls: ['storefront'], database: false, migrations: false },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];
export const SERVICE_NAMES: ServiceName[] = SERVICES.map((s) => s.name);
/** The services with a database (and an API contract): all but the web shop. */
export const DATA_SERVICES = SERVICES.filter((s) => s.database);
export const DATA_SERVICE_NAMES: ServiceName[] = DATA_SERVICES.map((s) => s.name);

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Workspace libraries by package name (`@bazaar/db` -> `libs/db`). */
export function workspaceLibs(): Map<string, string> {
  const libs = new Map<string, string>();
  for (const name of readdirSync(join(ROOT, 'libs'))) {
    if (!existsSync(join(ROOT, 'libs', name, 'package.json'))) continue;
    libs.set(readPackage(`libs/${name}`).name, `libs/${name}`);
  }
  return libs;
}

/**
 * The workspace libraries a package needs at run time or to build, transitively: the folders
 * whose change must rebuild, retest and redeploy it (`libs/service-kit` pulls `libs/telemetry`).
 */
export function libsUsedBy(dir: string, libs = workspaceLibs()): string[] {
  const found = new Set<string>();
  const visit = (packageDir: string) => {
    const pkg = readPackage(packageDir);
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      const libDir = libs.get(dep);
      if (libDir && !found.has(libDir)) {
        found.add(libDir);
        visit(libDir);
      }
    }
  };
  visit(dir);
  return [...found].sort();
}

/** A service's package.json version (what its image is labelled with). */
export function serviceVersion(service: ServiceName): string {
  return readPackage(`services/${service}`).version;
}
