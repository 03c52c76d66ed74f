// `pnpm --filter @bazaar/delivery-tests ci:generate`: rewrites .gitlab-ci.yml from
// src/ci/gitlab-ci.ts and the package.json files (which libraries each service uses).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine } from '@bazaar/cli';
import { generateGitlabCi } from '../src/ci/gitlab-ci.js';
import { ROOT } from '../src/workspace.js';

commandLine({
  name: 'ci:generate',
  command: 'pnpm --filter @bazaar/delivery-tests ci:generate',
  summary: 'Rewrites .gitlab-ci.yml from src/ci/gitlab-ci.ts and the package.json files.',
});
writeFileSync(join(ROOT, '.gitlab-ci.yml'), generateGitlabCi());
process.stdout.write('.gitlab-ci.yml written\n');
