#!/usr/bin/env node
'use strict';
/**
 * One-command, idempotent setup: `npm run setup` (also the pretest and prestart hooks).
 *
 *   1. libtorch      found by scripts/libtorch.js; on Debian/Ubuntu as root, apt-get installs it.
 *   2. apt packages  the Python oracle of the tests (python3-torch, python3-torchvision), the
 *                    Fashion-MNIST data set and libjpeg/libpng headers, installed together with
 *                    libtorch in ONE apt-get call.
 *   3. npm deps      `npm ci` (or `npm install`) when node_modules lacks a declared dependency.
 *   4. native addon  skipped when a matching prebuilt binary exists or build/Release/torchts.node is
 *                    newer than native/ and CMakeLists.txt and was built against the same libtorch.
 *   5. TypeScript    `tsc -p tsconfig.json` into dist/ when a .ts source is newer than the last build.
 *
 * It runs before `npm install` has ever run, so it uses Node built-ins only. The "nothing changed"
 * path must stay well under a second: it only stats files, reads one small JSON stamp and runs
 * dpkg-query once. Discovering libtorch spawns Python (~1.5 s), so its result is cached in
 * build/Release/torchts.stamp.json and only redone when the cached libtorch is gone, its version
 * changed, LIBTORCH/PYTHON changed, or `--rediscover` is passed.
 *
 * Nothing here ever prompts: children get no stdin and apt-get runs non-interactively, so it is
 * safe under CI=true and without a TTY. Set TORCHTS_VERBOSE=1 to see apt-get and compiler output.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { findLibtorch, flavourTag } = require('./libtorch');

const ROOT = path.resolve(__dirname, '..');
const STAMP = path.join(ROOT, 'build', 'Release', 'torchts.stamp.json');
const ADDON = path.join(ROOT, 'build', 'Release', 'torchts.node');
const CMAKE_CACHE = path.join(ROOT, 'build', 'CMakeCache.txt');
const BUILD_LOG = path.join(ROOT, 'build', 'native-build.log');
const DIST_STAMP = path.join(ROOT, 'dist', '.torchts-tsc-stamp');
const VERBOSE = Boolean(process.env.TORCHTS_VERBOSE);

const LIBTORCH_PKGS = ['libtorch-dev', 'libopenblas0-pthread'];
// Not needed to build or load the addon, but by the tests (Python oracle) and the training example.
const DATA_PKGS = ['python3-torch', 'python3-torchvision', 'dataset-fashion-mnist'];
// Build-time only: the addon decodes JPEG/PNG with them as Pillow does (native/image_decode.cc)
// and builds without them (JS decoders) where they are missing. libjpeg-dev is Debian's
// libjpeg62-turbo-dev (Ubuntu's libjpeg-turbo8-dev): the libjpeg Pillow uses there.
const IMAGE_PKGS = ['libjpeg-dev', 'libpng-dev'];
// Set when this run installed IMAGE_PKGS: the addon is rebuilt (and reconfigured) to use them.
let imageLibsAdded = false;
// Environment variables that change what findLibtorch() returns: a change invalidates the cache.
const DISCOVERY_ENV = ['LIBTORCH', 'PYTHON'];

/** An expected failure: printed as a message plus the command that fixes it, no stack trace. */
class SetupError extends Error {
  constructor(message, fix) {
    super(message);
    this.fix = fix;
  }
}

function log(line) {
  console.log(`setup: ${line}`);
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// Small file helpers (stat-based freshness)

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Writes via a temporary file so an interrupted run never leaves a half-written stamp. */
function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/**
 * Newest mtime under `entries` (files or folders, walked recursively), counting folders too:
 * adding, removing or renaming a file changes its folder's mtime, which a files-only scan misses.
 */
function newestMtime(entries, accept = () => true) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return; // optional folders (bench/, examples/) may not exist
    }
    if (st.isDirectory()) {
      newest = Math.max(newest, st.mtimeMs);
      for (const name of fs.readdirSync(p)) {
        if (name !== 'node_modules' && !name.startsWith('.')) visit(path.join(p, name));
      }
    } else if (accept(p)) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  entries.forEach(visit);
  return newest;
}

/** The absolute path of an executable on PATH, or null. A stat per PATH entry, no spawn. */
function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, cmd);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * Runs a command without stdin (so nothing can ever prompt). Output goes to the terminal when
 * `show`, otherwise it is captured and only printed if the command fails.
 */
function run(cmd, args, { show = VERBOSE, env = process.env } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', show ? 'inherit' : 'pipe', show ? 'inherit' : 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) return { ok: false, output: String(r.error.message) };
  return { ok: r.status === 0, output: `${r.stdout || ''}${r.stderr || ''}` };
}

function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Step 1: libtorch discovery, cached in the stamp

function discoveryEnv() {
  return Object.fromEntries(DISCOVERY_ENV.map((k) => [k, process.env[k] || null]));
}

function readVersionFile(prefix) {
  try {
    const text = fs.readFileSync(path.join(prefix, 'Torch', 'TorchConfigVersion.cmake'), 'utf8');
    return (/PACKAGE_VERSION\s+"([^"]+)"/.exec(text) || [])[1] || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The cached discovery if it still describes an installed libtorch under the same environment. */
function cachedLibtorch(stamp) {
  const d = stamp && stamp.discovery;
  if (!d || !d.found || !d.found.prefix) return null;
  if (JSON.stringify(d.env) !== JSON.stringify(discoveryEnv())) return null;
  if (!fs.existsSync(path.join(d.found.prefix, 'Torch', 'TorchConfig.cmake'))) return null;
  if (readVersionFile(d.found.prefix) !== d.configVersion) return null; // upgraded in place
  return d.found;
}

function discoverLibtorch() {
  const found = findLibtorch();
  return found.source ? found : { source: null, tried: found.tried };
}

function rememberLibtorch(stamp, found) {
  stamp.discovery = {
    env: discoveryEnv(),
    found: {
      source: found.source,
      prefix: found.prefix,
      libdir: found.libdir,
      version: found.version,
      cuda: found.cuda,
    },
    configVersion: readVersionFile(found.prefix),
  };
}

// ---------------------------------------------------------------------------------------------
// Step 2: apt packages (Debian/Ubuntu, as root)

function isDebianLike() {
  let osRelease = '';
  try {
    osRelease = fs.readFileSync('/etc/os-release', 'utf8');
  } catch {
    return false;
  }
  const field = (k) => ((new RegExp(`^${k}=["']?([^"'\\n]*)`, 'm').exec(osRelease) || [])[1] || '').split(/\s+/);
  const ids = [...field('ID'), ...field('ID_LIKE')];
  return (ids.includes('debian') || ids.includes('ubuntu')) && which('apt-get') !== null;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The packages among `pkgs` that dpkg does not report as installed (one dpkg-query call). */
function missingDebs(pkgs) {
  if (pkgs.length === 0 || !which('dpkg-query')) return [];
  // Unknown packages make dpkg-query exit 1 but it still lists the known ones, so ignore status.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...pkgs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const installed = new Set(
    (r.stdout || '')
      .split('\n')
      .filter((line) => line.endsWith(' ok installed'))
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
  return pkgs.filter((p) => !installed.has(p));
}

/** Build tools the addon needs when it has to be compiled (stat-only checks). */
function missingBuildTools() {
  const missing = [];
  if (!which('cmake')) missing.push('cmake');
  if (!which('c++') && !which('g++')) missing.push('g++');
  if (!which('ninja') && !which('make')) missing.push('make');
  return missing;
}

function aptEnv() {
  return { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
}

/** True when apt has no installation candidate for some package: its lists need `apt-get update`. */
function aptListsLackCandidates(pkgs) {
  const r = spawnSync('apt-cache', ['policy', ...pkgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const text = r.stdout || '';
  return pkgs.some((p) => {
    const section = text.split(/^(?=\S)/m).find((s) => s.startsWith(`${p}:`));
    const candidate = section && /Candidate:\s*(\S+)/.exec(section);
    return !candidate || candidate[1] === '(none)';
  });
}

function aptInstall(pkgs) {
  const start = Date.now();
  const env = aptEnv();
  // Wait for a concurrent apt/dpkg (e.g. unattended-upgrades) instead of failing on its lock.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  let updated = false;
  const update = () => {
    log('apt-get update');
    const u = run('apt-get', [...lock, 'update'], { env });
    if (!u.ok) throw new SetupError(`apt-get update failed:\n${tail(u.output)}`, 'apt-get update');
    updated = true;
  };
  if (aptListsLackCandidates(pkgs)) update();
  log(`apt-get install ${pkgs.join(' ')} (a few minutes)`);
  const args = [...lock, 'install', '-y', '--no-install-recommends', ...pkgs];
  let r = run('apt-get', args, { env });
  if (!r.ok && !updated) {
    // Stale package lists give 404s on download: refresh them once and retry.
    update();
    r = run('apt-get', args, { env });
  }
  if (!r.ok) {
    throw new SetupError(`apt-get install failed:\n${tail(r.output)}`, aptCommand(pkgs, false));
  }
  log(`installed ${pkgs.length} apt package(s) in ${seconds(start)}`);
}

function aptCommand(pkgs, sudo = !isRoot()) {
  return `${sudo ? 'sudo ' : ''}DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkgs.join(' ')}`;
}

/**
 * Installs, in one apt-get call, whatever is missing: libtorch (when none was found), the build
 * tools (when the addon must be compiled) and the oracle/data packages. Fails only for what the
 * addon itself needs; missing oracle/data packages are a note.
 */
function ensureAptPackages(libtorch, needBuild) {
  const debian = isDebianLike();
  const required = [];
  if (!libtorch.source) {
    if (!debian || !isRoot()) throw libtorchMissing(libtorch, debian);
    required.push(...LIBTORCH_PKGS);
  }
  if (needBuild) required.push(...missingBuildTools());
  // The system libtorch runs without it, only slower (it picks the reference BLAS): not fatal.
  const blas = libtorch.source === 'system' ? ['libopenblas0-pthread'] : [];
  const optional = debian ? missingDebs([...blas, ...DATA_PKGS, ...IMAGE_PKGS]) : [];

  if (!debian) {
    if (required.length) {
      throw new SetupError(`missing build tools: ${required.join(', ')}`, 'install CMake and a C++17 compiler');
    }
    return false;
  }
  if (!isRoot()) {
    if (required.length) throw new SetupError(`missing packages: ${required.join(' ')}`, aptCommand(required));
    if (optional.length) {
      // Not fatal: the addon works without them; the tests' Python oracle and the training data need them.
      log(`note: not installed: ${optional.join(' ')} (for tests and data); install with: ${aptCommand(optional)}`);
    }
    return false;
  }
  const all = [...required, ...optional];
  if (all.length === 0) return false;
  aptInstall(all);
  imageLibsAdded = optional.some((p) => IMAGE_PKGS.includes(p));
  return true;
}

function libtorchMissing(found, debian) {
  const fix = debian
    ? `${aptCommand(LIBTORCH_PKGS)}   (or set LIBTORCH to an unpacked libtorch folder from pytorch.org)`
    : 'set LIBTORCH to an unpacked libtorch folder from https://pytorch.org (or pip install torch)';
  return new SetupError(`libtorch not found (looked at: ${found.tried.join('; ')})`, fix);
}

// ---------------------------------------------------------------------------------------------
// Step 3: npm dependencies

function missingNpmDeps() {
  const pkg = readJson(path.join(ROOT, 'package.json')) || {};
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return names.filter((n) => !fs.existsSync(path.join(ROOT, 'node_modules', n, 'package.json')));
}

/** npm itself: the one running us (npm run / npm test), else the one next to node, else PATH. */
function npmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.js$/.test(execPath) && fs.existsSync(execPath)) return [process.execPath, [execPath]];
  const sibling = path.join(path.dirname(process.execPath), 'npm');
  if (fs.existsSync(sibling)) return [sibling, []];
  return ['npm', []];
}

function ensureNpmDeps() {
  const missing = missingNpmDeps();
  if (missing.length === 0) return;
  const verb = fs.existsSync(path.join(ROOT, 'package-lock.json')) ? 'ci' : 'install';
  const start = Date.now();
  log(`npm ${verb} (missing: ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', ...' : ''})`);
  const [cmd, pre] = npmCommand();
  const r = run(cmd, [...pre, verb, '--no-audit', '--no-fund'], { show: true });
  if (!r.ok) throw new SetupError(`npm ${verb} failed${r.output ? `: ${tail(r.output, 5)}` : ''}`, `npm ${verb}`);
  log(`npm ${verb} done in ${seconds(start)}`);
}

// ---------------------------------------------------------------------------------------------
// Step 4: native addon

function prebuiltFor(libtorch) {
  const dir = path.join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`);
  let names = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const tag = flavourTag(libtorch);
  const hit = names.sort().find((f) => f.endsWith('.node') && f.includes(tag));
  return hit ? path.join(dir, hit) : null;
}

/** The libtorch CMake config dir the existing build was configured with (CMake's cache). */
function cachedTorchDir() {
  try {
    const m = /^Torch_DIR:PATH=(.*)$/m.exec(fs.readFileSync(CMAKE_CACHE, 'utf8'));
    return m ? m[1].trim() : null;
  } catch {
    return null;
  }
}

function builtAgainst(libtorch) {
  return { prefix: libtorch.prefix, version: libtorch.version, cuda: Boolean(libtorch.cuda) };
}

/**
 * Why the addon must be (re)built, or null when it is up to date. A build made before stamps
 * existed is adopted when CMake's cache shows it was configured against the same libtorch.
 */
function addonStaleReason(libtorch, stamp) {
  if (!libtorch.source) return 'libtorch not installed yet';
  if (prebuiltFor(libtorch)) return null;
  const built = mtimeMs(ADDON);
  if (!built) return 'not built yet';
  if (newestMtime([path.join(ROOT, 'native'), path.join(ROOT, 'CMakeLists.txt')]) >= built) return 'sources changed';
  const want = builtAgainst(libtorch);
  if (stamp.addon) {
    return JSON.stringify(stamp.addon) === JSON.stringify(want) ? null : 'libtorch changed';
  }
  if (cachedTorchDir() === path.join(libtorch.prefix, 'Torch')) {
    stamp.addon = want; // adopt the unstamped build
    return null;
  }
  return 'built against an unknown libtorch';
}

/**
 * Builds through scripts/build-native.js (buildNative()) in a child process whose output goes to
 * build/native-build.log: buildNative's quiet mode buffers output in memory with spawnSync's
 * default 1 MiB limit, which a warning-heavy libtorch compile can exceed.
 */
function buildAddon(libtorch, stamp, reason) {
  const start = Date.now();
  // CMake caches Torch_DIR: a different libtorch is only picked up after a fresh configure.
  const torchDir = cachedTorchDir();
  // Newly installed libjpeg/libpng change no file CMake watches: only a fresh configure finds them.
  if (imageLibsAdded) fs.rmSync(CMAKE_CACHE, { force: true });
  if (torchDir && torchDir !== path.join(libtorch.prefix, 'Torch')) {
    fs.rmSync(CMAKE_CACHE, { force: true });
    log(`libtorch moved (${torchDir} -> ${libtorch.prefix}): reconfiguring`);
  }
  log(
    `building the native addon against libtorch ${libtorch.version} (${reason}; can take minutes, log: ${path.relative(ROOT, BUILD_LOG)})`,
  );
  fs.mkdirSync(path.dirname(BUILD_LOG), { recursive: true });
  const fd = fs.openSync(BUILD_LOG, 'w');
  let r;
  try {
    const stdio = VERBOSE ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd];
    r = spawnSync(process.execPath, [path.join(__dirname, 'build-native.js')], { cwd: ROOT, stdio });
  } finally {
    fs.closeSync(fd);
  }
  if (r.status !== 0 || !fs.existsSync(ADDON)) {
    const out = VERBOSE ? '' : `\n${tail(fs.readFileSync(BUILD_LOG, 'utf8'))}`;
    throw new SetupError(`native build failed (exit ${r.status})${out}`, 'TORCHTS_VERBOSE=1 npm run setup');
  }
  stamp.addon = builtAgainst(libtorch);
  log(`addon built in ${seconds(start)}`);
}

function ensureAddon(libtorch, stamp) {
  const prebuilt = prebuiltFor(libtorch);
  if (prebuilt) {
    log(`addon: prebuilt ${path.relative(ROOT, prebuilt)}`);
    return;
  }
  const reason = addonStaleReason(libtorch, stamp) || (imageLibsAdded && 'image libraries installed');
  if (!reason) {
    log('addon up to date');
    return;
  }
  buildAddon(libtorch, stamp, reason);
}

// ---------------------------------------------------------------------------------------------
// Step 5: TypeScript

function tsSourcesNewest() {
  const dirs = ['lib', 'bin', 'examples', 'bench'].map((d) => path.join(ROOT, d));
  return Math.max(
    newestMtime(dirs, (f) => f.endsWith('.ts')),
    mtimeMs(path.join(ROOT, 'tsconfig.json')),
  );
}

/** dist/ is fresh when the stamp of the last successful tsc run is newer than every source. */
function ensureDist() {
  const built = mtimeMs(DIST_STAMP);
  if (built && built > tsSourcesNewest()) {
    log('dist up to date');
    return;
  }
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) throw new SetupError('typescript is not installed', 'npm ci');
  const start = Date.now();
  const r = run(process.execPath, [tsc, '-p', 'tsconfig.json']);
  if (!r.ok) {
    fs.rmSync(DIST_STAMP, { force: true });
    throw new SetupError(`TypeScript compilation failed:\n${tail(r.output)}`, 'npx tsc -p tsconfig.json');
  }
  // Touch the stamp only now: a failed run must not make stale output look fresh.
  fs.writeFileSync(DIST_STAMP, `${new Date().toISOString()}\n`);
  log(`compiled TypeScript into dist/ in ${seconds(start)}`);
}

// ---------------------------------------------------------------------------------------------

function main() {
  // A lifecycle script added later (install/prepare running setup) must not recurse via npm ci.
  if (process.env.TORCHTS_SETUP_RUNNING) return;
  process.env.TORCHTS_SETUP_RUNNING = '1';

  const stamp = readJson(STAMP) || {};
  const before = JSON.stringify(stamp);
  const rediscover = process.argv.includes('--rediscover');

  const cached = rediscover ? null : cachedLibtorch(stamp);
  let libtorch = cached || discoverLibtorch();
  // Dry run on a copy: only to know whether build tools must come along in the apt-get call.
  const needBuild = Boolean(addonStaleReason(libtorch, { ...stamp }));
  // A build runs its own discovery (build-native.js): redo ours so the stamp records the same one.
  if (needBuild && cached) libtorch = discoverLibtorch();
  if (ensureAptPackages(libtorch, needBuild) && !libtorch.source) {
    libtorch = discoverLibtorch();
    if (!libtorch.source) throw libtorchMissing(libtorch, true);
  }
  rememberLibtorch(stamp, libtorch);
  log(`libtorch ${libtorch.version} (${libtorch.source}, ${libtorch.prefix})`);

  ensureNpmDeps();
  try {
    ensureAddon(libtorch, stamp);
  } finally {
    // Keep the discovery cache even when the build fails: the next run retries faster.
    if (JSON.stringify(stamp) !== before) writeJson(STAMP, stamp);
  }
  ensureDist();
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(`setup: error: ${e.message}`);
    if (e.fix) console.error(`setup: fix: ${e.fix}`);
    process.exit(1);
  }
}

// Internals exported for ad-hoc checks (e.g. `node -e "require('./scripts/setup').missingDebs([...])"`).
module.exports = {
  main,
  missingDebs,
  aptListsLackCandidates,
  aptInstall,
  addonStaleReason,
  isDebianLike,
  missingNpmDeps,
};
