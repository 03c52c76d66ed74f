// `pnpm --filter @bazaar/delivery-tests ci:generate`: rewrites .gitlab-ci.yml from
// src/ci/gitlab-ci.ts and the package.json files (which libraries each service uses).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateGitlabCi } from '../src/ci/gitlab-ci.js';
import { ROOT } from '../src/workspace.js';

writeFileSync(join(ROOT, '.gitlab-ci.yml'), generateGitlabCi());
process.stdout.write('.gitlab-ci.yml written\n');
