import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The toolchain behind `npm start` / `npm test` (scripts/toolchain.mjs): one pinned Node, the
 * same version everywhere that states one. The download itself is exercised by every CI run,
 * which starts from a fresh clone (.ci/run); here the tools are already in `.tools/`.
 */
const root = resolve(__dirname, '../../..');
const pinned = readFileSync(resolve(root, '.node-version'), 'utf8').trim();
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

function toolchainEnv(): Record<string, string> {
  const script = execFileSync(process.execPath, ['scripts/toolchain.mjs', '--env'], {
    cwd: root,
    encoding: 'utf8',
  });
  return Object.fromEntries(
    [...script.matchAll(/^export (\w+)=(".*")$/gm)].map(([, key, value]) => [
      key,
      JSON.parse(value) as string,
    ]),
  );
}

describe('the project toolchain', () => {
  it('when its environment is applied, then node is the version .node-version pins', () => {
    const env = toolchainEnv();
    const version = execFileSync('node', ['--version'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(version.trim()).toBe(`v${pinned}`);
  });

  it('when the tests run, then they run on that Node', () => {
    expect(process.version).toBe(`v${pinned}`);
  });

  it('when engines and @types/node are read, then they name the same major as .node-version', () => {
    const major = pinned.split('.')[0];
    expect(manifest.engines.node).toBe(`>=${pinned} <${Number(major) + 1}`);
    expect(manifest.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${major}\\.`));
  });

  it('when run without a script, then it prints its usage and exits 2', () => {
    const run = spawnSync(process.execPath, ['scripts/toolchain.mjs'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect({ status: run.status, usage: run.stdout.includes('Usage:') }).toEqual({
      status: 2,
      usage: true,
    });
  });
});
