// `pnpm --filter @bazaar/delivery-tests contracts:check [service...]`: the contract check of
// `pnpm test`, alone, with its findings printed.
import { commandLine, oneOf } from '@bazaar/cli';
import {
  breakingChanges,
  currentContracts,
  formatProblems,
} from '../src/contracts/contract-check.js';
import { DATA_SERVICE_NAMES } from '../src/workspace.js';

const say = (stream: NodeJS.WriteStream, text: string) => stream.write(`${text}\n`);

const only = commandLine(
  {
    name: 'contracts:check',
    command: 'pnpm --filter @bazaar/delivery-tests contracts:check --',
    summary:
      "The contract check of `pnpm test`, alone: the services' event schemas and OpenAPI " +
      'documents against contracts-snapshots/.',
    positionals: [
      { name: 'service', variadic: true, description: 'only these services (default: all)' },
    ],
    notes: 'exit code 1: breaking changes (listed)',
  },
  ({ positionals }) => positionals.map((s) => oneOf('service', s, DATA_SERVICE_NAMES)),
);
const services = only.length > 0 ? only : DATA_SERVICE_NAMES;
const problems = breakingChanges(await currentContracts(services, {}));
if (problems.length > 0) {
  say(process.stderr, `Breaking contract changes:\n${formatProblems(problems)}`);
  process.exit(1);
}
say(process.stdout, `contracts compatible: events, ${services.join(', ')}`);
