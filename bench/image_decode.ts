/**
 * bench/image_decode: µs per image of ImageFolder's default loader (file → RGB uint8 H×W×3), with
 * the native decoder (libjpeg-turbo / libpng, native/image_decode.cc), with the JS fallback
 * (jpeg-js / pngjs, what an addon built without those libraries uses), and torchvision's
 * pil_loader (Pillow), on the same files, written by Pillow in bench/image_decode.py.
 * `npm run bench:decode`. Each case: the median of REPEATS timed loops of ~0.2 s; file reads
 * included on every side. Env: REPEATS (5).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from 'torchts';
import { datasets } from 'torchts/vision';
import { decodeImageJs, nativeImageDecoders } from '../lib/vision/datasets/image';

const REPEATS = Number(process.env.REPEATS ?? 5);

/** pil_loader as it runs on an addon without native decoders. */
function jsLoader(file: string): torch.Tensor {
  const img = decodeImageJs(fs.readFileSync(file), file);
  return torch.tensor(img.rgb, { dtype: torch.uint8 }).view(img.height, img.width, 3);
}

/** Median µs per call over REPEATS loops of about `budget` seconds each. */
function bench(fn: () => unknown, budget = 0.2): number {
  let k = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < (budget * 1000) / 5) {
    fn();
    k++;
  }
  const iters = Math.max(1, k * 5);
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    for (let i = 0; i < iters; i++) fn();
    times.push(((performance.now() - t) / iters) * 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function findPython(): string | null {
  for (const py of [process.env.TORCHTS_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    if (spawnSync(py, ['-c', 'import torchvision, PIL']).status === 0) return py;
  }
  return null;
}

function main(): void {
  const py = findPython();
  if (!py) throw new Error('bench/image_decode needs Python with torchvision and Pillow (it writes the files)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-decode-bench-'));
  const script = path.resolve(__dirname, '..', '..', 'bench', 'image_decode.py');
  const r = spawnSync(py, [script, dir, String(REPEATS)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python benchmark failed: ${r.stderr}`);
  const pil = JSON.parse(r.stdout) as Record<string, number>;

  console.log(
    `Decoding one image file to RGB uint8 H×W×3 (file read included), median of ${REPEATS}; ` +
      `native decoders in this build: jpeg ${nativeImageDecoders.jpeg}, png ${nativeImageDecoders.png}`,
  );
  console.log('| file | Pillow (µs) | native (µs) | jpeg-js/pngjs (µs) | native/Pillow | JS/Pillow |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, p] of Object.entries(pil)) {
    const file = path.join(dir, name);
    const native = bench(() => datasets.pil_loader(file));
    const js = bench(() => jsLoader(file));
    const row = [name, p.toFixed(0), native.toFixed(0), js.toFixed(0), (native / p).toFixed(2), (js / p).toFixed(2)];
    console.log(`| ${row.join(' | ')} |`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

main();
