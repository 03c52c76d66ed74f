import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../src/workspace.js';

// Read, not built: `pnpm test:containers` (deploy/containers/check.sh) builds it for real and runs
// the images; these checks say why each line is there and fail in seconds.
const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim().replace(/\s+/g, ' '))
  .filter((line) => line && !line.startsWith('#'));
const stages = instructions.filter((line) => /^FROM /i.test(line));
const build = instructions.slice(
  instructions.indexOf(stages[0]),
  instructions.indexOf(stages[stages.length - 1]),
);
const runtime = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));
const at = (pattern: RegExp) => instructions.findIndex((line) => pattern.test(line));

describe('deploy/Dockerfile', () => {
  it('when read, then it builds on a slim base of the Node .node-version pins and runs from scratch, picked by ARG SERVICE', () => {
    expect(stages).toEqual([
      'FROM node:${NODE_VERSION}-bookworm-slim AS build',
      'FROM scratch AS runtime',
    ]);
    const pinned = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();
    expect(instructions).toContain(`ARG NODE_VERSION=${pinned}`);
    expect(instructions.filter((l) => l === 'ARG SERVICE')).toHaveLength(2);
  });

  it('when read, then it installs the pinned pnpm with npm and builds from the frozen lockfile', () => {
    const pnpmVersion = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }
    ).packageManager.split('@')[1];
    expect(instructions).toContain(`ARG PNPM_VERSION=${pnpmVersion}`);
    expect(instructions.join('\n')).toMatch(
      /RUN npm install -g --no-fund --no-audit pnpm@\$\{PNPM_VERSION\}/,
    );
    expect(instructions).toContain('RUN pnpm fetch');
    expect(instructions).toContain('RUN pnpm install --frozen-lockfile --offline');
    expect(instructions).toContain('RUN pnpm --filter "@bazaar/${SERVICE}" build');
  });

  it('when deployed offline, then pnpm deploys from the lockfile (the legacy deploy re-resolved ranges and failed)', () => {
    const deploy = instructions.find((l) => / deploy /.test(l)) ?? '';
    expect(deploy).toMatch(
      /pnpm --filter "@bazaar\/\$\{SERVICE\}" deploy --prod --offline --config\.inject-workspace-packages=true \/out/,
    );
    expect(deploy).not.toContain('--legacy');
    expect(deploy).toContain('test -f /out/dist/main.js');
  });

  it('when six services are built in a row, then the install and the libraries are built once (before ARG SERVICE)', () => {
    const serviceArg = instructions.indexOf('ARG SERVICE');
    expect(at(/^RUN pnpm install /)).toBeLessThan(serviceArg);
    expect(at(/^RUN pnpm --filter "\.\/libs\/\*" build$/)).toBeLessThan(serviceArg);
    expect(at(/^RUN pnpm --filter "\.\/libs\/\*" build$/)).toBeGreaterThan(
      at(/^RUN pnpm install /),
    );
  });

  it("when argon2 compiles, then node-gyp uses the image's own Node headers and the compiler stays in the build stage", () => {
    expect(build).toContain('ENV npm_config_nodedir=/usr/local');
    expect(build.join('\n')).toMatch(
      /apt-get install -y --no-install-recommends python3 make g\+\+/,
    );
    expect(runtime.filter((l) => /^RUN /.test(l))).toEqual([]);
  });

  it('when read, then the runtime runs as a fixed non-root user behind tini with the telemetry preload', () => {
    expect(runtime).toContain('USER 10001:10001');
    expect(build.join('\n')).toMatch(/cp \/usr\/bin\/tini-static \/rootfs\/usr\/bin\/tini/);
    expect(build.join('\n')).toMatch(/bazaar:x:10001:10001:/);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtime).toContain(
      'CMD ["node", "--enable-source-maps", "--import", "@bazaar/telemetry/register", "dist/main.js"]',
    );
    expect(runtime).toContain('WORKDIR /app');
    expect(runtime).toContain('COPY --from=build /rootfs /');
    expect(build.join('\n')).toMatch(/chown -R root:root \/rootfs\/app/);
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
