/**
 * bench/overhead: per-call cost of small ops in torchts and in Python PyTorch, side by side in
 * one run on the same machine and libtorch. Prints ns/call for each and the ratio torchts/Python
 * (below 1.0: torchts is faster). Run: `npm run bench` (after `npm run setup`).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as torch from 'torchts';

const REPEATS = 7;

// A full collection before each case, so no case pays for the garbage of the one before.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function bench(fn: () => unknown, iters: number): number {
  gc();
  for (let i = 0; i < Math.max(1, iters / 10); i++) fn();
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    times.push(Number(process.hrtime.bigint() - t0) / iters);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1];
}

function findPython(): string | null {
  for (const py of [process.env.TORCHTS_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    if (spawnSync(py, ['-c', 'import torch']).status === 0) return py;
  }
  return null;
}

function main(): void {
  const threads = torch.get_num_threads();
  const a128 = torch.randn(128);
  const b128 = torch.randn(128);
  const a10k = torch.randn(10000);
  const b10k = torch.randn(10000);
  const m64a = torch.randn(64, 64);
  const m64b = torch.randn(64, 64);
  const one = torch.tensor(3.5);
  const data1000 = Array.from({ length: 1000 }, (_, i) => i * 0.5);
  const big = torch.randn(100000);

  // Each case's result; the "released" column disposes it right away, as Python's refcounting
  // frees it, so the two torchts columns bracket the cost of leaving temporaries to the GC.
  const cases: [string, () => unknown, number][] = [
    ['add 128', () => a128.add(b128), 20000],
    ['add 10k', () => a10k.add(b10k), 20000],
    ['mul 128', () => a128.mul(b128), 20000],
    ['mul 10k', () => a10k.mul(b10k), 20000],
    ['add scalar 128', () => a128.add(1), 20000],
    ['view', () => a10k.view(100, 100), 20000],
    ['matmul 64x64', () => m64a.matmul(m64b), 5000],
    ['item()', () => one.item(), 50000],
    ['tensor from 1000-element array', () => torch.tensor(data1000), 5000],
    ['export 100k (copy)', () => big.toTypedArray(), 5000],
    ['export 100k (shared, numpy())', () => big.numpy(), 20000],
  ];
  const release = (r: unknown) => {
    if (r instanceof torch.Tensor) r.dispose();
  };
  const ours: Record<string, number> = {};
  const released: Record<string, number> = {};
  for (const [name, fn, iters] of cases) {
    ours[name] = bench(fn, iters);
    released[name] = bench(() => release(fn()), iters);
  }

  const py = findPython();
  let theirs: Record<string, number> = {};
  if (py) {
    const script = path.resolve(__dirname, '..', '..', 'bench', 'overhead.py');
    const r = spawnSync(py, [script, String(threads)], { encoding: 'utf8' });
    if (r.status === 0) theirs = JSON.parse(r.stdout);
    else console.error(`python benchmark failed: ${r.stderr}`);
  } else {
    console.error('no Python with torch found: printing torchts numbers only');
  }

  console.log(
    `torchts ${torch.__version__} on libtorch ${torch.__libtorch_version__}, node ${process.version}, ${threads} threads`,
  );
  console.log('| op | PyTorch (ns) | torchts, GC-managed (ns) | ratio | torchts, released (ns) | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const ratio = (t: number, p: number | undefined) => (p ? (t / p).toFixed(2) : 'n/a');
  for (const [name] of cases) {
    const p = theirs[name];
    const t = ours[name];
    const r = released[name];
    console.log(
      `| ${name} | ${p ? p.toFixed(0) : 'n/a'} | ${t.toFixed(0)} | ${ratio(t, p)} | ${r.toFixed(0)} | ${ratio(r, p)} |`,
    );
  }
}

main();
