import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../src/workspace.js';

// No Docker engine here: the Dockerfile is read, not built (the layout its `pnpm deploy` step
// produces was checked by hand: docs/deploy.md).
const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const stages = instructions.filter((line) => /^FROM /i.test(line));
const runtime = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));

describe('deploy/Dockerfile', () => {
  it('when read, then it is multi-stage on a slim Node 20 base picked by ARG SERVICE', () => {
    expect(stages).toEqual([
      'FROM node:${NODE_VERSION}-bookworm-slim AS build',
      'FROM node:${NODE_VERSION}-bookworm-slim AS runtime',
    ]);
    expect(instructions).toContain('ARG NODE_VERSION=20.19.5');
    expect(instructions.filter((l) => l === 'ARG SERVICE')).toHaveLength(2);
  });

  it('when read, then it installs the pinned pnpm with npm and builds from the frozen lockfile', () => {
    const pnpmVersion = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }
    ).packageManager.split('@')[1];
    expect(instructions).toContain(`ARG PNPM_VERSION=${pnpmVersion}`);
    expect(instructions).toContain('RUN npm install -g --no-fund --no-audit pnpm@${PNPM_VERSION}');
    expect(instructions).toContain('RUN pnpm install --frozen-lockfile --offline');
    expect(instructions).toContain('RUN pnpm --filter "@bazaar/${SERVICE}..." build');
    expect(instructions.join('\n')).toMatch(
      /pnpm --filter "@bazaar\/\$\{SERVICE\}" deploy --prod --legacy --offline \/out/,
    );
  });

  it('when read, then the runtime runs as a fixed non-root user behind tini with the telemetry preload', () => {
    expect(runtime).toContain('USER 10001:10001');
    expect(runtime.join('\n')).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtime).toContain(
      'CMD ["node", "--enable-source-maps", "--import", "@bazaar/telemetry/register", "dist/main.js"]',
    );
    expect(runtime).toContain('WORKDIR /app');
    expect(runtime).toContain('COPY --from=build --chown=root:root /out /app');
    expect(runtime.some((l) => /^(RUN|COPY).*(pnpm install|node_modules\/\.bin)/.test(l))).toBe(
      false,
    );
  });

  it('when read, then it has a health check and OCI labels for version and source', () => {
    expect(runtime.join('\n')).toMatch(
      /HEALTHCHECK .*CMD \["node", "\/usr\/local\/lib\/bazaar\/healthcheck\.mjs", "\/health\/live"\]/,
    );
    const labels = runtime.find((l) => l.startsWith('LABEL ')) ?? '';
    for (const key of ['version', 'revision', 'source', 'created', 'title']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
    for (const arg of ['VERSION', 'REVISION', 'SOURCE']) {
      expect(runtime.some((l) => l.startsWith(`ARG ${arg}`))).toBe(true);
    }
  });

  it('when read, then nothing it needs is excluded from the build context and secrets are', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(
      expect.arrayContaining(['**/node_modules', '**/dist', '.git', '**/.env']),
    );
    for (const needed of ['services', 'libs', 'tests', 'bench', 'deploy', 'pnpm-lock.yaml']) {
      expect([needed, ignore.includes(needed)]).toEqual([needed, false]);
    }
  });
});
