'use strict';
// `npm run prebuild`: builds a stripped prebuilt binary with prebuildify (cmake-js standing in for
// node-gyp) into prebuilds/<platform>-<arch>/, named with the libtorch flavour it links, e.g.
// torchts.napi.glibc.libtorch1_13-cpu.node. A binary links one libtorch major.minor (and CPU or
// CUDA); lib/native.ts and scripts/setup.js pick the one matching the libtorch found.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { findLibtorch, flavourTag } = require('./libtorch');

const root = path.resolve(__dirname, '..');
const found = findLibtorch();
if (!found.source) {
  console.error('prebuild: no libtorch found; run `npm run setup` first');
  process.exit(1);
}
const bin = require.resolve('prebuildify/bin.js');
const shim = path.join(__dirname, 'cmake-js-as-node-gyp.js');
const r = spawnSync(process.execPath, [bin, '--napi', '--strip', '--tag-libc', `--node-gyp=${shim}`], {
  cwd: root,
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status || 1);

const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const tag = flavourTag(found);
for (const f of fs.readdirSync(dir)) {
  if (!f.endsWith('.node') || f.includes('libtorch')) continue;
  const tagged = f.replace(/\.node$/, `.${tag}.node`);
  fs.renameSync(path.join(dir, f), path.join(dir, tagged));
  console.log(`prebuild: prebuilds/${path.basename(dir)}/${tagged} (libtorch ${found.version}, ${found.source})`);
}
