// `pnpm --filter @bazaar/delivery-tests contracts:check [service...]`: the contract check of
// `pnpm test`, alone, with its findings printed.
import {
  breakingChanges,
  currentContracts,
  formatProblems,
} from '../src/contracts/contract-check.js';
import { DATA_SERVICE_NAMES, type ServiceName } from '../src/workspace.js';

const say = (stream: NodeJS.WriteStream, text: string) => stream.write(`${text}\n`);

const only = process.argv.slice(2).filter((a) => !a.startsWith('--')) as ServiceName[];
const services = only.length > 0 ? only : DATA_SERVICE_NAMES;
const problems = breakingChanges(await currentContracts(services, {}));
if (problems.length > 0) {
  say(process.stderr, `Breaking contract changes:\n${formatProblems(problems)}`);
  process.exit(1);
}
say(process.stdout, `contracts compatible: events, ${services.join(', ')}`);
