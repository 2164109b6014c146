/**
 * bench/transforms: µs per call of each random transform on a PIL-like image (H×W×3 uint8, what
 * datasets return), 32×32 and 224×224, in torchts and in torchvision on PIL images
 * (bench/transforms.py, the same pixels) in one run; then a few on tensor images (3×H×W float32
 * in [0, 1], the same pixels, what a transform after ToTensor sees). `npm run bench:transforms`.
 *
 * Each case: the median of REPEATS timed loops of ~0.2 s, results left to the GC as user code
 * leaves them. Ratio = torchts / torchvision (below 1: torchts is faster).
 * Env: SIZES ('32,224'), REPEATS (5), ONLY (substring filter on case names).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from 'torchts';
import { transforms as T } from 'torchts/vision';

const SIZES = (process.env.SIZES ?? '32,224').split(',').map(Number);
const REPEATS = Number(process.env.REPEATS ?? 5);
const ONLY = process.env.ONLY ?? '';

type Fn = (img: torch.Tensor) => torch.Tensor;

/** The cases of bench/transforms.py, in its order, for an n×n image (PIL-like, then tensor). */
function cases(n: number): [string, Fn][] {
  return [
    ['RandomCrop(pad 4)', new T.RandomCrop(n, { padding: 4 })],
    ['RandomCrop(pad 4, reflect)', new T.RandomCrop(n, { padding: 4, padding_mode: 'reflect' })],
    ['RandomHorizontalFlip(p=1)', new T.RandomHorizontalFlip(1.0)],
    ['RandomVerticalFlip(p=1)', new T.RandomVerticalFlip(1.0)],
    ['ColorJitter(0.4, 0.4, 0.4)', new T.ColorJitter(0.4, 0.4, 0.4)],
    ['ColorJitter(0.4, 0.4, 0.4, 0.1)', new T.ColorJitter(0.4, 0.4, 0.4, 0.1)],
    ['RandomRotation(15)', new T.RandomRotation(15)],
    ['RandomRotation(15, bilinear)', new T.RandomRotation(15, 'bilinear')],
    ['RandomResizedCrop', new T.RandomResizedCrop(n)],
    ['Grayscale(3)', new T.Grayscale(3)],
  ];
}

function tensorCases(n: number): [string, Fn][] {
  return [
    ['tensor RandomCrop(pad 4)', new T.RandomCrop(n, { padding: 4 })],
    ['tensor RandomHorizontalFlip(p=1)', new T.RandomHorizontalFlip(1.0)],
    ['tensor ColorJitter(0.4, 0.4, 0.4)', new T.ColorJitter(0.4, 0.4, 0.4)],
    ['tensor ColorJitter(0.4, 0.4, 0.4, 0.1)', new T.ColorJitter(0.4, 0.4, 0.4, 0.1)],
    ['tensor RandomRotation(15)', new T.RandomRotation(15)],
  ];
}

/** Median µs per call over REPEATS loops of about `budget` seconds each. */
function bench(fn: Fn, img: torch.Tensor, budget: number): number {
  let k = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < (budget * 1000) / 5) {
    fn(img);
    k++;
  }
  const iters = Math.max(1, k * 5);
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    for (let i = 0; i < iters; i++) fn(img);
    times.push(((performance.now() - t) / iters) * 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function findPython(): string | null {
  for (const py of [process.env.TORCHTS_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    if (spawnSync(py, ['-c', 'import torch, torchvision, PIL']).status === 0) return py;
  }
  return null;
}

function main(): void {
  const threads = torch.get_num_threads();
  torch.manual_seed(0);
  const images = SIZES.map((n) => [n, torch.randint(0, 256, [n, n, 3], { dtype: torch.uint8 })] as const);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-bench-'));
  const specs = images.map(([n, img]) => {
    const file = path.join(dir, `img${n}.u8`);
    fs.writeFileSync(file, img.toTypedArray() as Uint8Array);
    return `${n}=${file}`;
  });

  const ours: Record<string, number> = {};
  for (const [n, img] of images) {
    for (const [name, fn] of cases(n)) {
      if (name.includes(ONLY)) ours[`${name} ${n}`] = bench(fn, img, 0.2);
    }
  }
  for (const [n, img] of images) {
    const chw = img.permute(2, 0, 1).to(torch.float32).div(255).contiguous();
    for (const [name, fn] of tensorCases(n)) {
      if (name.includes(ONLY)) ours[`${name} ${n}`] = bench(fn, chw, 0.2);
    }
  }

  const py = findPython();
  let theirs: Record<string, number> = {};
  if (py) {
    const script = path.resolve(__dirname, '..', '..', 'bench', 'transforms.py');
    const r = spawnSync(py, [script, String(threads), String(REPEATS), ...specs], { encoding: 'utf8' });
    if (r.status === 0) theirs = JSON.parse(r.stdout);
    else console.error(`python benchmark failed: ${r.stderr}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(
    `Transforms on PIL-like H×W×3 uint8 images (tensor: 3×H×W float32), ${threads} intra-op thread(s), ` +
      `median of ${REPEATS}`,
  );
  console.log('| transform | size | torchvision+PIL (µs) | torchts (µs) | torchts/torchvision |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [key, t] of Object.entries(ours)) {
    const n = key.slice(key.lastIndexOf(' ') + 1);
    const name = key.slice(0, key.lastIndexOf(' '));
    const p = theirs[key];
    const ratio = p ? (t / p).toFixed(2) : 'n/a';
    console.log(`| ${name} | ${n} | ${p ? p.toFixed(1) : 'n/a'} | ${t.toFixed(1)} | ${ratio} |`);
  }
  console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

main();
