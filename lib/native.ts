/**
 * Loads the addon: a prebuilt binary for this platform (and libtorch build) first, then the local
 * build in build/Release. On failure the error says what was tried, what libtorch was found and
 * the command that fixes it, never a bare dlopen message.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from './errors';

/** An opaque, type-tagged reference to one native at::Tensor. */
export interface Handle {
  readonly __torchts_handle: unique symbol;
}

/**
 * The raw binding. Internal: every public entry point checks its arguments first; the addon
 * re-checks types and never trusts a value it did not create (type-tagged handles).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NativeBinding = Record<string, (...args: any[]) => any>;

function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'torchts') return dir;
    dir = path.dirname(dir);
  }
  throw new Error('torchts: cannot find the package root');
}

function candidates(root: string): string[] {
  const out: string[] = [];
  const prebuilt = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (fs.existsSync(prebuilt)) {
    for (const f of fs.readdirSync(prebuilt).sort()) if (f.endsWith('.node')) out.push(path.join(prebuilt, f));
  }
  out.push(path.join(root, 'build', 'Release', 'torchts.node'));
  return out;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

function describeLibtorch(root: string): string {
  try {
    const { findLibtorch } = require(path.join(root, 'scripts', 'libtorch.js'));
    const found = findLibtorch();
    if (found.source) return `libtorch ${found.version} found (${found.source}, ${found.prefix})`;
    return `no libtorch found (looked at: ${found.tried.join('; ')})`;
  } catch (e) {
    return `libtorch discovery failed: ${firstLine(e)}`;
  }
}

function load(): NativeBinding {
  const root = packageRoot();
  const tried: string[] = [];
  for (const file of candidates(root)) {
    if (!fs.existsSync(file)) {
      tried.push(`${path.relative(root, file)}: not built`);
      continue;
    }
    try {
      return require(file) as NativeBinding;
    } catch (e) {
      tried.push(`${path.relative(root, file)}: ${firstLine(e)}`);
    }
  }
  throw new Error(
    `torchts: could not load the native addon.\n  tried: ${tried.join('\n         ')}\n  ${describeLibtorch(root)}\n` +
      `  fix: run \`npm run setup\` in ${root} (it installs libtorch on Debian/Ubuntu as root and builds the addon),\n` +
      '       or set LIBTORCH to a libtorch folder and run it again.',
  );
}

export const N: NativeBinding = load();
N.setErrorClass(TorchError);
