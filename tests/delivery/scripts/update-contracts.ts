// `pnpm --filter @bazaar/delivery-tests contracts:update [--accept-breaking] [service...]`
// Regenerates the committed contract snapshots (contracts-snapshots/) from the code: the event
// catalogue of @bazaar/contracts and the OpenAPI document each service serves. Additive changes
// are written at once; a breaking change is listed and written only with --accept-breaking (say
// why in the commit: every consumer must already cope with it).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, oneOf } from '@bazaar/cli';
import {
  breakingChanges,
  currentContracts,
  formatProblems,
} from '../src/contracts/contract-check.js';
import {
  SNAPSHOT_DIR,
  writeEventSnapshots,
  writeOpenApiSnapshot,
} from '../src/contracts/snapshot-store.js';
import { ROOT, DATA_SERVICE_NAMES } from '../src/workspace.js';

const say = (stream: NodeJS.WriteStream, text: string) => stream.write(`${text}\n`);

const { acceptBreaking, only } = commandLine(
  {
    name: 'contracts:update',
    command: 'pnpm --filter @bazaar/delivery-tests contracts:update --',
    summary:
      "Captures the services' event schemas and OpenAPI documents into contracts-snapshots/, " +
      'refusing changes that would break their consumers.',
    options: {
      'accept-breaking': {
        type: 'boolean',
        description: 'write them even when breaking (every consumer already copes)',
      },
    },
    positionals: [
      { name: 'service', variadic: true, description: 'only these services (default: all)' },
    ],
    notes: 'exit code 1: breaking changes (listed), nothing written',
  },
  ({ values, positionals }) => ({
    acceptBreaking: values['accept-breaking'],
    only: positionals.map((s) => oneOf('service', s, DATA_SERVICE_NAMES)),
  }),
);
const services = only.length > 0 ? only : DATA_SERVICE_NAMES;

say(process.stdout, `capturing contracts: events, ${services.join(', ')}`);
const current = await currentContracts(services, {});
const problems = breakingChanges(current);
if (problems.length > 0 && !acceptBreaking) {
  say(
    process.stderr,
    `These changes would break consumers of the committed contracts:\n${formatProblems(problems)}\n\n` +
      'Make them compatible (a new version beside the old one), or, when every consumer already ' +
      'copes, rerun with --accept-breaking.',
  );
  process.exit(1);
}

writeEventSnapshots(current.events);
const eventsDir = join(SNAPSHOT_DIR, 'events');
for (const file of existsSync(eventsDir) ? readdirSync(eventsDir) : []) {
  if (!Object.hasOwn(current.events, file.replace(/\.json$/, ''))) rmSync(join(eventsDir, file));
}
for (const service of services) writeOpenApiSnapshot(service, current.openapi[service]!);
execFileSync('npx', ['prettier', '--log-level', 'warn', '--write', SNAPSHOT_DIR], {
  cwd: ROOT,
  stdio: 'inherit',
});
say(
  process.stdout,
  `snapshots written to ${SNAPSHOT_DIR}` +
    (problems.length > 0 ? ` (accepted ${problems.length} breaking change(s))` : ''),
);
