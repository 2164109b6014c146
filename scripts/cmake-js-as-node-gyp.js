#!/usr/bin/env node
'use strict';
// prebuildify drives node-gyp; this stands in for it (`prebuildify --node-gyp <this>`) and builds
// with cmake-js instead, leaving build/Release/torchts.node where prebuildify collects it.
// node-gyp's arguments (rebuild, --target, --devdir, ...) do not apply to a Node-API build.
const { buildNative } = require('./build-native');

try {
  buildNative();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
