import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ROOT } from '../src/workspace.js';

// Every command-line tool of the repo, by the pnpm script that runs it, with a wrong command
// line it must refuse (exit 2, one line saying why, nothing done).
const TOOLS: Array<{ dir: string; script: string; bad: string[]; reason: RegExp }> = [
  // The storefront keeps no database (issue #21): nothing to migrate.
  ...['catalog', 'orders', 'payments', 'search', 'users'].map((service) => ({
    dir: `services/${service}`,
    script: 'migrate',
    bad: ['now'],
    reason: /^migrate: Unexpected argument 'now'/,
  })),
  {
    dir: 'services/catalog',
    script: 'seed',
    bad: ['--products', 'many'],
    reason: /^seed: --products must be a whole number/,
  },
  {
    dir: 'services/catalog',
    script: 'bench:prices',
    bad: ['--rounds=0'],
    reason: /^bench:prices: --rounds must be/,
  },
  {
    dir: 'services/search',
    script: 'reindex',
    bad: ['--page-size=5000'],
    reason: /^reindex: --page-size must be a whole number from 1 to 1000/,
  },
  {
    dir: 'services/search',
    script: 'bench:generate',
    bad: ['--count=lots'],
    reason: /^bench:generate: --count must be/,
  },
  {
    dir: 'services/search',
    script: 'bench:queries',
    bad: ['--runs'],
    reason: /^bench:queries: Option '--runs <value>' argument missing/,
  },
  {
    dir: 'services/search',
    script: 'bench:engine',
    bad: ['--runs=0'],
    reason: /^bench:engine: --runs must be/,
  },
  {
    dir: 'services/search',
    script: 'bench:freshness',
    bad: ['--rates=50,fast'],
    reason: /^bench:freshness: --rates must be/,
  },
  {
    dir: 'services/users',
    script: 'keygen',
    bad: ['RS256'],
    reason: /^keygen: algorithm must be one of EdDSA, ES256, got 'RS256'/,
  },
  {
    dir: 'libs/messaging',
    script: 'replay-dlq',
    bad: ['catalog.orders', 'ten'],
    reason: /^replay-dlq: limit must be a whole number 1 or more, got 'ten'/,
  },
  {
    dir: 'libs/messaging',
    script: 'republish-unrouted',
    bad: ['order.placed'],
    reason: /^republish-unrouted: type must be one of/,
  },
  {
    dir: 'libs/messaging',
    script: 'measure',
    bad: ['--rate=-1'],
    reason: /^measure: --rate must be/,
  },
  {
    dir: 'bench',
    script: 'bench',
    bad: ['--only=browse,everything'],
    reason: /^bench: --only must be one of/,
  },
  {
    dir: 'tests/delivery',
    script: 'contracts:check',
    bad: ['shop'],
    reason: /^contracts:check: service must be one of/,
  },
  {
    dir: 'tests/delivery',
    script: 'contracts:update',
    bad: ['--force'],
    reason: /^contracts:update: Unknown option '--force'/,
  },
  {
    dir: 'tests/delivery',
    script: 'ci:generate',
    bad: ['--dry-run'],
    reason: /^ci:generate: Unknown option '--dry-run'/,
  },
];

/** Runs the script's command (`node ... file.ts`) as pnpm would, in its package, with `args`. */
function runScript(dir: string, script: string, args: string[]) {
  const scripts = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'))
    .scripts as Record<string, string>;
  const [command, ...rest] = scripts[script]!.split(' ');
  expect(command).toBe('node');
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [...rest, '--', ...args],
      {
        cwd: join(ROOT, dir),
        env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
        timeout: CLI_TIMEOUT_MS,
      },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/**
 * A guard against a hung tool, not a speed check (each test's own limit is 30 s more): tsx
 * compiles a tool's imports at start, seconds of CPU that took over 30 s of wall time on a
 * loaded machine (CI failed at jest's default 30 s).
 */
const CLI_TIMEOUT_MS = 150_000;

describe('command-line tools', () => {
  it.each(TOOLS)(
    'when $dir $script is given --help, then it prints its usage and exits 0; given a wrong argument, one line and exit 2',
    async ({ dir, script, bad, reason }) => {
      const [help, wrong] = await Promise.all([
        runScript(dir, script, ['--help']),
        runScript(dir, script, bad),
      ]);
      expect(help.stderr).toBe('');
      expect(help.stdout).toMatch(/^usage: /);
      expect(help.stdout).toContain('exit codes: 0 done, 1 failed, 2 wrong arguments');
      expect(help.code).toBe(0);

      expect(wrong.stdout).toBe('');
      expect(wrong.stderr).toMatch(reason);
      expect(wrong.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(wrong.code).toBe(2);
    },
    180_000,
  );

  it('lists every entry point there is: each file of a cli or scripts folder has a pnpm script here', () => {
    const helpers = new Set(['services/search/scripts/bench-catalog.ts']);
    const entryPoints = [
      'libs/messaging/scripts',
      'tests/delivery/scripts',
      'bench/src/main.ts',
      ...readdirSync(join(ROOT, 'services')).flatMap((s) => [
        `services/${s}/src/cli`,
        `services/${s}/scripts`,
      ]),
    ].flatMap((path) => {
      if (path.endsWith('.ts')) return [path];
      try {
        return readdirSync(join(ROOT, path))
          .filter((file) => file.endsWith('.ts'))
          .map((file) => `${path}/${file}`);
      } catch {
        return [];
      }
    });
    const covered = TOOLS.map(({ dir, script }) => {
      const scripts = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).scripts;
      return `${dir}/${(scripts[script] as string).split(' ').at(-1)}`;
    });
    expect(entryPoints.filter((file) => !helpers.has(file) && !covered.includes(file))).toEqual([]);
  });
});
