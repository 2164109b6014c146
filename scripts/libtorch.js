'use strict';
// Finds libtorch in the documented order: LIBTORCH, then the libtorch inside an installed Python
// PyTorch, then the system one (Debian/Ubuntu libtorch-dev). Used by setup and the native build.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const SYSTEM_PREFIXES = [
  '/usr/lib/x86_64-linux-gnu/cmake',
  '/usr/lib/aarch64-linux-gnu/cmake',
  '/usr/local/lib/cmake',
  '/usr/lib/cmake',
  '/usr/share/cmake',
];

function hasTorchConfig(prefix) {
  return fs.existsSync(path.join(prefix, 'Torch', 'TorchConfig.cmake'));
}

function readVersion(prefix) {
  const file = path.join(prefix, 'Torch', 'TorchConfigVersion.cmake');
  try {
    const m = /PACKAGE_VERSION\s+"([^"]+)"/.exec(fs.readFileSync(file, 'utf8'));
    if (m) return m[1];
  } catch {
    /* no version file */
  }
  return 'unknown';
}

// Python interpreters to ask, most specific first (`python3` may be one without torch).
function pythonCandidates() {
  const list = [process.env.PYTHON, 'python3', '/usr/bin/python3', 'python'];
  return [...new Set(list.filter(Boolean))];
}

const PY_QUERY = [
  'import os, torch',
  'print(torch.utils.cmake_prefix_path)',
  'print(os.path.join(os.path.dirname(torch.__file__), "lib"))',
  'print(torch.__version__)',
  'print(torch.version.cuda or "")',
].join('; ');

function findLibtorch() {
  const tried = [];
  const lt = process.env.LIBTORCH;
  if (lt) {
    const prefix = path.join(lt, 'share', 'cmake');
    tried.push(`LIBTORCH=${lt}`);
    if (hasTorchConfig(prefix)) {
      const cuda = fs.readdirSync(path.join(lt, 'lib')).some((f) => f.startsWith('libtorch_cuda'));
      return { source: 'LIBTORCH', prefix, libdir: path.join(lt, 'lib'), version: readVersion(prefix), cuda, tried };
    }
  }
  for (const py of pythonCandidates()) {
    const r = spawnSync(py, ['-c', PY_QUERY], { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0 || !r.stdout) continue;
    const [prefix, libdir, version, cudaVersion] = r.stdout.trim().split('\n');
    tried.push(`${py} (torch ${version}, cmake dir ${prefix})`);
    if (hasTorchConfig(prefix)) {
      return { source: `python (${py})`, prefix, libdir, version, cuda: Boolean(cudaVersion), tried };
    }
  }
  for (const prefix of SYSTEM_PREFIXES) {
    tried.push(prefix);
    if (hasTorchConfig(prefix)) {
      const libdir = path.resolve(prefix, '..');
      const cuda = fs.readdirSync(libdir).some((f) => f.startsWith('libtorch_cuda'));
      return { source: 'system', prefix, libdir, version: readVersion(prefix), cuda, tried };
    }
  }
  return { source: null, tried };
}

// The tag that tells prebuilt binaries for different libtorch builds apart.
function flavourTag(found) {
  const [major, minor] = String(found.version).split('.');
  return `libtorch${major}_${minor}-${found.cuda ? 'cuda' : 'cpu'}`;
}

module.exports = { findLibtorch, flavourTag };

if (require.main === module) console.log(JSON.stringify(findLibtorch(), null, 2));
