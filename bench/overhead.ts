/**
 * bench/overhead: per-call cost of small ops in torchts and in Python PyTorch, side by side in
 * one run on the same machine and libtorch. Prints ns/call for each and the ratio torchts/Python
 * (below 1.0: torchts is faster). Run: `npm run bench` (after `npm run setup`).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as torch from 'torchts';

const REPEATS = 7;

function bench(fn: () => unknown, iters: number): number {
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

  const ours: Record<string, number> = {
    'add 128': bench(() => a128.add(b128), 20000),
    'add 10k': bench(() => a10k.add(b10k), 20000),
    'mul 128': bench(() => a128.mul(b128), 20000),
    'mul 10k': bench(() => a10k.mul(b10k), 20000),
    'add scalar 128': bench(() => a128.add(1), 20000),
    view: bench(() => a10k.view(100, 100), 20000),
    'matmul 64x64': bench(() => m64a.matmul(m64b), 5000),
    'item()': bench(() => one.item(), 50000),
    'tensor from 1000-element array': bench(() => torch.tensor(data1000), 5000),
    'export 100k (copy)': bench(() => big.toTypedArray(), 5000),
    'export 100k (shared, numpy())': bench(() => big.numpy(), 20000),
  };

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

  console.log(`torchts ${torch.__version__} on libtorch ${torch.__libtorch_version__}, node ${process.version}, ${threads} threads`);
  console.log('| op | torchts (ns) | PyTorch (ns) | ratio |');
  console.log('|---|---:|---:|---:|');
  for (const [name, t] of Object.entries(ours)) {
    const p = theirs[name];
    const ratio = p ? (t / p).toFixed(2) : 'n/a';
    console.log(`| ${name} | ${t.toFixed(0)} | ${p ? p.toFixed(0) : 'n/a'} | ${ratio} |`);
  }
}

main();
