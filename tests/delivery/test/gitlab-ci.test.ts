import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateGitlabCi } from '../src/ci/gitlab-ci.js';
import { renderOverlay } from '../src/k8s/render.js';
import { ROOT, SERVICES, SERVICE_NAMES, libsUsedBy } from '../src/workspace.js';

type Obj = Record<string, any>;

const text = readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8');
const pipeline = parse(text) as Obj;

/** A job as GitLab sees it: its `extends` chain merged in (hashes deeply, arrays replaced). */
function resolve(name: string): Obj {
  const job = pipeline[name] as Obj;
  expect([name, job]).toEqual([name, expect.any(Object)]);
  const parents = [job.extends ?? []].flat() as string[];
  const merged = parents.reduce((acc, parent) => merge(acc, resolve(parent)), {} as Obj);
  const { extends: _ignored, ...own } = job;
  return merge(merged, own);
}
function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && typeof out[key] === 'object'
        ? merge(out[key], value)
        : value;
  }
  return out;
}
const script = (job: Obj) => [job.before_script ?? [], job.script ?? []].flat().join('\n');

describe('.gitlab-ci.yml', () => {
  it('when compared with its generator, then it is up to date (else: pnpm --filter @bazaar/delivery-tests ci:generate)', () => {
    expect(text).toBe(generateGitlabCi());
  });

  it('when the images are built, then the containers job runs the container check on them against a Docker service', () => {
    const job = resolve('containers');
    expect(pipeline.stages.indexOf('containers')).toBe(pipeline.stages.indexOf('build') + 1);
    expect(job.stage).toBe('containers');
    expect(job.services).toEqual([expect.objectContaining({ alias: 'docker' })]);
    expect(job.variables).toMatchObject({
      DOCKER_HOST: 'tcp://docker:2375',
      BAZAAR_CHECK_HOST: 'docker',
      BAZAAR_BIND_ADDRESS: '0.0.0.0',
      BAZAAR_CHECK_IMAGE_PREFIX: '$IMAGE_REPOSITORY',
      BAZAAR_CHECK_IMAGE_TAG: '$CI_COMMIT_SHA',
    });
    expect(job.needs).toEqual(
      SERVICE_NAMES.map((service) => ({ job: `build:${service}`, optional: true })),
    );
    expect(script(job)).toContain('bash deploy/containers/check.sh');
    // The jobs' Node is the images' Node (both the one .node-version pins).
    const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    const imageNode = /^ARG NODE_VERSION=(\S+)$/m.exec(dockerfile)?.[1];
    expect(pipeline.variables.NODE_IMAGE).toBe(`node:${imageNode}-bookworm`);
    expect(imageNode).toBe(readFileSync(join(ROOT, '.node-version'), 'utf8').trim());
  });

  it('when parsed, then lint, typecheck, the contract check and the delivery checks run on every pipeline', () => {
    expect(script(resolve('lint'))).toContain('pnpm lint');
    expect(script(resolve('typecheck'))).toContain('pnpm typecheck');
    expect(script(resolve('contracts'))).toContain('test/contracts.test.ts');
    expect(script(resolve('delivery'))).toContain('@bazaar/delivery-tests');
    for (const name of ['lint', 'typecheck', 'contracts', 'delivery']) {
      expect([name, pipeline[name].rules]).toEqual([name, undefined]);
    }
    expect(script(resolve('lint'))).toMatch(
      /npm install -g .*pnpm@\$PNPM_VERSION[\s\S]*pnpm install --frozen-lockfile/,
    );
  });

  it.each(SERVICE_NAMES)(
    'when parsed, then %s has test, build and deploy jobs that run only for its own changes',
    (service) => {
      const mine = [
        `services/${service}/**/*`,
        ...libsUsedBy(`services/${service}`).map((lib) => `${lib}/**/*`),
        'pnpm-lock.yaml',
      ];
      const others = SERVICE_NAMES.filter((s) => s !== service).flatMap((s) => [
        `services/${s}/**/*`,
        `kustomize/base/${s}/**/*`,
      ]);
      for (const job of ['test', 'build', 'deploy-staging', 'deploy-prod']) {
        const resolved = resolve(`${job}:${service}`);
        expect(resolved.variables.SERVICE).toBe(service);
        expect(resolved.rules).toHaveLength(1);
        const changes: string[] = resolved.rules[0].changes;
        expect(changes).toEqual(expect.arrayContaining(mine));
        expect(changes.filter((path) => others.includes(path))).toEqual([]);
      }
      const database = SERVICES.find((s) => s.name === service)!.migrations;
      expect(libsUsedBy(`services/${service}`)).toEqual(
        expect.arrayContaining([
          ...(database ? ['libs/db'] : []),
          'libs/service-kit',
          'libs/telemetry',
        ]),
      );

      const test = resolve(`test:${service}`);
      expect(test.stage).toBe('test');
      expect(test.services.map((s: Obj) => s.alias).sort()).toEqual(['postgres', 'rabbitmq']);
      expect(test.variables.TEST_DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(script(test)).toContain('jest "services/$SERVICE"');

      const build = resolve(`build:${service}`);
      expect(build.image.name).toBe('$KANIKO_IMAGE');
      expect(pipeline.variables.KANIKO_IMAGE).toMatch(/kaniko/);
      expect(script(build)).toContain('--destination "$IMAGE_REPOSITORY/$SERVICE:$CI_COMMIT_SHA"');
      expect(script(build)).toContain('--build-arg "SERVICE=$SERVICE"');
      expect(build.rules[0].changes).toEqual(expect.arrayContaining(['deploy/Dockerfile']));

      const staging = resolve(`deploy-staging:${service}`);
      expect(staging.rules[0].if).toBe('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH');
      expect(staging.rules[0].when).toBeUndefined();
      expect(staging.needs).toEqual([`build:${service}`]);
      expect(staging.variables.OVERLAY).toBe('staging');
      expect(staging.rules[0].changes).toEqual(
        expect.arrayContaining([
          `kustomize/base/${service}/**/*`,
          'kustomize/overlays/staging/**/*',
        ]),
      );

      const prod = resolve(`deploy-prod:${service}`);
      expect(prod.rules[0]).toMatchObject({
        if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        when: 'manual',
        allow_failure: true,
      });
      expect(prod.variables.OVERLAY).toBe('prod');
      expect(prod.environment.name).toBe('production');
      for (const deploy of [staging, prod]) {
        expect(script(deploy)).toContain(
          'kustomize edit set image "bazaar/$SERVICE=$IMAGE_REPOSITORY/$SERVICE:$CI_COMMIT_SHA"',
        );
        expect(script(deploy)).toContain(
          'kubectl apply -k . --selector "app.kubernetes.io/name=$SERVICE"',
        );
      }
    },
  );

  it('when parsed, then libraries and the whole system are tested with Postgres and RabbitMQ as services', () => {
    for (const name of ['test:libs', 'test:e2e']) {
      const job = resolve(name);
      expect(job.services.map((s: Obj) => s.name)).toEqual([
        expect.stringMatching(/^postgres:15/),
        expect.stringMatching(/^rabbitmq:3\.\d+.*management/),
      ]);
    }
    expect(resolve('test:e2e').rules[0].changes).toEqual(
      expect.arrayContaining(['services/**/*', 'libs/**/*', 'tests/e2e/**/*']),
    );
  });

  it('when read, then each job body is written once in a template, not six times', () => {
    for (const line of [
      '/kaniko/executor',
      'kustomize edit set image',
      'pnpm install --frozen-lockfile',
    ]) {
      expect([line, text.split(line).length - 1]).toEqual([line, 1]);
    }
  });

  it.each(['staging', 'prod'] as const)(
    'when a %s deploy applies by label, then every object of the overlay belongs to a service or is shared',
    (overlay) => {
      const orphans = renderOverlay(overlay)
        .filter((o) => {
          const labels = o.metadata.labels ?? {};
          return (
            !SERVICE_NAMES.includes(labels['app.kubernetes.io/name'] as never) &&
            labels['bazaar.dev/shared'] !== 'true'
          );
        })
        .map((o) => `${o.kind}/${o.metadata.name}`);
      expect(orphans).toEqual([]);
    },
  );
});
