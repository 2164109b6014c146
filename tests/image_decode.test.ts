/**
 * Image decoding against Pillow (`Image.open(f).convert('RGB')`, torchvision's pil_loader): the
 * native decoder (native/image_decode.cc) byte for byte on JPEG (4:4:4, 4:2:2, 4:2:0, greyscale,
 * progressive, CMYK, partial MCUs; written by Pillow and by jpeg-js) and PNG (every colour type and
 * bit depth, Adam7, tRNS, a palette shorter than its indices); broken files raise Pillow's
 * exception type and name the file. The JS fallback (pngjs, jpeg-js) is tested directly.
 * One Python process (tests/helpers/image_decode_ref.py) writes the fixtures and the reference.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import * as torch from '../lib';
import { ImageFolder, decodeImage, pil_loader } from '../lib/vision/datasets';
import { decodeImageJs, nativeImageDecoders } from '../lib/vision/datasets/image';
import { N } from '../lib/native';
import { findPython } from './helpers/oracle';

type Ref = Record<string, { shape: number[]; hex: string } | { error: string; message: string }>;

let tmp: string;
let ref: Ref;

/** jpeg-js-encoded fixtures: a smooth gradient and noisy content. */
function writeJsJpegs(dir: string): void {
  const [w, h] = [29, 21];
  const grad = Buffer.alloc(w * h * 4, 255);
  const noisy = Buffer.alloc(w * h * 4, 255);
  let s = 7;
  for (let i = 0; i < w * h; i++) {
    const [x, y] = [i % w, Math.floor(i / w)];
    const px = [x * 8, y * 12, 255 - 4 * x - 4 * y];
    for (let c = 0; c < 3; c++) {
      s = (s * 1103515245 + 12345) >>> 0;
      grad[4 * i + c] = px[c];
      noisy[4 * i + c] = Math.max(0, Math.min(255, px[c] + (s >>> 25) - 64));
    }
  }
  fs.writeFileSync(path.join(dir, 'jsenc_grad.jpg'), jpeg.encode({ width: w, height: h, data: grad }, 90).data);
  fs.writeFileSync(path.join(dir, 'jsenc_noisy.jpg'), jpeg.encode({ width: w, height: h, data: noisy }, 80).data);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tts-decode-'));
  writeJsJpegs(tmp);
  const py = spawnSync(findPython(), [path.join(__dirname, 'helpers', 'image_decode_ref.py'), tmp], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (py.status !== 0) throw new Error(`reference script failed:\n${py.stderr}`);
  ref = JSON.parse(py.stdout) as Ref;
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const read = (name: string): Buffer => fs.readFileSync(path.join(tmp, name));
const isJpeg = (name: string): boolean => name.endsWith('.jpg');
function pixelFiles(filter: (name: string) => boolean): [string, { shape: number[]; hex: string }][] {
  const out = Object.entries(ref).filter(([n, r]) => filter(n) && 'hex' in r);
  return out as [string, { shape: number[]; hex: string }][];
}

/**
 * Whether the addon decodes `kind` natively. An addon without it is only legitimate on a machine
 * without the library's headers (CMakeLists.txt then builds without it): assert that instead.
 */
function hasNative(kind: 'jpeg' | 'png'): boolean {
  if (!nativeImageDecoders[kind]) {
    expect(fs.existsSync(kind === 'jpeg' ? '/usr/include/jpeglib.h' : '/usr/include/png.h')).toBe(false);
  }
  return nativeImageDecoders[kind];
}

function maxDiff(got: Uint8Array, want: Buffer): number {
  let worst = 0;
  for (let j = 0; j < got.length; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]));
  return worst;
}

/** "<file>: <problem>" for every file whose native decoding is not Pillow's, byte for byte. */
function nativeMismatches(filter: (name: string) => boolean): string[] {
  const bad: string[] = [];
  const files = pixelFiles(filter);
  expect(files.length).toBeGreaterThan(10);
  for (const [name, want] of files) {
    const t = pil_loader(path.join(tmp, name));
    const exp = Buffer.from(want.hex, 'hex');
    if (JSON.stringify(t.shape) !== JSON.stringify(want.shape)) bad.push(`${name}: shape ${t.shape}`);
    else if (t.dtype !== torch.uint8) bad.push(`${name}: dtype ${t.dtype}`);
    else if (maxDiff(t.toTypedArray() as Uint8Array, exp) !== 0) {
      bad.push(`${name}: max difference ${maxDiff(t.toTypedArray() as Uint8Array, exp)}`);
    }
  }
  return bad;
}

describe('native decoder equals Pillow byte for byte', () => {
  test('JPEG: chroma 4:4:4 / 4:2:2 / 4:2:0, grey, progressive, CMYK, jpeg-js files, odd sizes', () => {
    if (hasNative('jpeg')) expect(nativeMismatches(isJpeg)).toEqual([]);
  });

  test('PNG: every colour type and bit depth, Adam7, tRNS, short palette', () => {
    if (hasNative('png')) expect(nativeMismatches((n) => n.endsWith('.png'))).toEqual([]);
  });

  test('decodeImage, pil_loader and ImageFolder return the same pixels', () => {
    const name = 'photo420_q75.jpg';
    const want = ref[name] as { shape: number[]; hex: string };
    const img = decodeImage(read(name), name);
    expect([img.height, img.width, 3]).toEqual(want.shape);
    expect(Buffer.from(img.rgb).toString('hex')).toBe(want.hex);
    // Buffer views into a larger ArrayBuffer (Node's pooled small Buffers) decode the view only.
    const pooled = Buffer.concat([Buffer.from('xyz'), read(name), Buffer.from('tail')]);
    const view = pooled.subarray(3, pooled.length - 4);
    expect(Buffer.from(decodeImage(view, name).rgb).toString('hex')).toBe(want.hex);
    const root = path.join(tmp, 'folder');
    fs.mkdirSync(path.join(root, 'cls'), { recursive: true });
    fs.copyFileSync(path.join(tmp, name), path.join(root, 'cls', name));
    const [t] = new ImageFolder(root).getitem(0) as [torch.Tensor, number];
    expect(Buffer.from(t.toTypedArray() as Uint8Array).toString('hex')).toBe(want.hex);
  });
});

describe('broken files', () => {
  const broken = (): [string, { error: string; message: string }][] =>
    Object.entries(ref).filter(([, r]) => 'error' in r) as [string, { error: string; message: string }][];

  test("raise Pillow's exception type (truncated: OSError) as a TorchError naming the file", () => {
    expect(
      broken()
        .map(([n]) => n)
        .sort(),
    ).toEqual([
      'bad_crc.png',
      'bomb.jpg',
      'bomb.png',
      'garbage.jpg',
      'prog_trunc.jpg',
      'trunc_half.jpg',
      'trunc_half.png',
      'trunc_header.jpg',
      'trunc_header.png',
      'trunc_no_eoi.jpg',
    ]);
    for (const [name, want] of broken()) {
      if (!hasNative(isJpeg(name) ? 'jpeg' : 'png')) continue;
      const file = path.join(tmp, name);
      let err: unknown = null;
      try {
        pil_loader(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(torch.TorchError);
      const e = err as torch.TorchError;
      expect([name, e.python_type]).toEqual([name, want.error]);
      expect(e.message).toContain(file);
      if (/truncated/.test(want.message)) expect(e.message).toMatch(/^image file is truncated/);
    }
  });

  test('the JS fallback reports them too (never a crash); bombs as DecompressionBombError', () => {
    for (const [name, want] of broken()) {
      let err: unknown = null;
      try {
        decodeImageJs(read(name), name);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(torch.TorchError);
      // Decompression bombs are refused before anything is allocated, as Pillow's open() does.
      const bomb = want.error === 'DecompressionBombError';
      expect([name, (err as torch.TorchError).python_type === 'DecompressionBombError']).toEqual([name, bomb]);
    }
  });

  test('a non-Uint8Array argument to the native binding is a TypeError', () => {
    // The addon's TypeErrors come from Node's realm, not Jest's sandbox: compare by name.
    const thrown = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      return 'nothing thrown';
    };
    expect(thrown(() => N.decodeImage(new Float32Array(4), 'x'))).toMatch(/^TypeError: .*Uint8Array/);
    expect(thrown(() => N.decodeImage('not bytes', 'x'))).toMatch(/^TypeError: .*Uint8Array/);
  });
});

describe('JS fallback (pngjs, jpeg-js), called directly', () => {
  function diff(name: string): { worst: number; mean: number } {
    const want = ref[name] as { shape: number[]; hex: string };
    const img = decodeImageJs(read(name), name);
    expect([img.height, img.width, 3]).toEqual(want.shape);
    const exp = Buffer.from(want.hex, 'hex');
    let total = 0;
    img.rgb.forEach((v, j) => (total += Math.abs(v - exp[j])));
    return { worst: maxDiff(img.rgb, exp), mean: total / exp.length };
  }

  test('PNG up to 8 bits per sample: exact', () => {
    const files = pixelFiles((n) => n.endsWith('.png') && !/16bit|pal_short/.test(n)).map(([n]) => n);
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((n) => diff(n).worst !== 0)).toEqual([]);
  });

  test('16-bit RGB / RGBA / grey+alpha PNG: within one level (pngjs rounds, Pillow keeps the high byte)', () => {
    for (const n of ['c2_16bit.png', 'c4_16bit_adam7.png', 'c6_16bit.png'])
      expect(diff(n).worst).toBeLessThanOrEqual(1);
  });

  test('JPEG: within a few levels of libjpeg (IDCT rounding, no fancy upsampling)', () => {
    // 4:4:4 differs by IDCT rounding only; subsampled chroma also by upsampling, most at edges.
    for (const n of ['photo444_q95.jpg', 'prog444.jpg', 'grey.jpg', 'jsenc_grad.jpg']) {
      expect([n, diff(n).worst <= 4]).toEqual([n, true]);
    }
    for (const n of ['photo420_q75.jpg', 'photo422_q75.jpg', 'prog420.jpg', 'grad420.jpg']) {
      const d = diff(n);
      expect([n, d.mean < 8]).toEqual([n, true]);
    }
  });
});
