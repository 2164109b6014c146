'use strict';
// Builds the addon with cmake-js against the libtorch that scripts/libtorch.js finds.
// Output: build/Release/torchts.node (what lib/native.ts loads when no prebuilt binary matches).
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { findLibtorch } = require('./libtorch');

function buildNative({ quiet = false } = {}) {
  const found = findLibtorch();
  if (!found.source) {
    throw new Error(`libtorch not found (looked at: ${found.tried.join('; ')}). Run \`npm run setup\`.`);
  }
  const root = path.resolve(__dirname, '..');
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, 'compile', '--directory', root, `--CDCMAKE_PREFIX_PATH=${found.prefix}`];
  if (found.cuda && !process.env.TORCH_CUDA_ARCH_LIST) {
    // Compile only for the GPU at hand; PyTorch's CMake config otherwise targets every arch.
    process.env.TORCH_CUDA_ARCH_LIST = 'Native';
  }
  const env = { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: String(Math.max(1, os.cpus().length)) };
  if (!quiet) console.log(`torchts: building the addon against libtorch ${found.version} (${found.source})`);
  // Concurrent builds of one tree (several terminals, agents) would corrupt build/: serialize
  // them with flock(1) where it exists.
  const lock = path.join(os.tmpdir(), `torchts-build-${Buffer.from(root).toString('hex').slice(-24)}.lock`);
  const useFlock = spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0;
  const [cmd, cmdArgs] = useFlock ? ['flock', [lock, process.execPath, ...args]] : [process.execPath, args];
  const r = spawnSync(cmd, cmdArgs, { cwd: root, env, stdio: quiet ? 'pipe' : 'inherit' });
  if (r.status !== 0) {
    const out = quiet ? `\n${r.stdout}\n${r.stderr}` : '';
    throw new Error(`torchts: native build failed (exit ${r.status}).${out}`);
  }
  return found;
}

module.exports = { buildNative };

if (require.main === module) {
  try {
    buildNative();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
