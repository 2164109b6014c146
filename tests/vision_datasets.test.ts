/**
 * torchvision.datasets parity: IDX files, the real Debian Fashion-MNIST, CIFAR pickles (a
 * Python-2-style CIFAR-10 like the real archive, a protocol-4 CIFAR-100), ImageFolder against
 * PIL, FakeData against torchvision, and downloads from a local HTTP server (never the internet).
 * One Python process (tests/helpers/vision_datasets_ref.py) writes the Python-made fixtures and
 * the reference values.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as zlib from 'zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as torch from '../lib';
import {
  CIFAR10,
  CIFAR100,
  DatasetFolder,
  FakeData,
  FashionMNIST,
  ImageFolder,
  MNIST,
  read_sn3_pascalvincent_tensor,
  VisionDataset,
} from '../lib/vision/datasets';
import { transforms } from '../lib/vision';
import { nativeImageDecoders } from '../lib/vision/datasets/image';
import { loadNumpyPickle, NdArray } from '../lib/vision/datasets/numpy_pickle';
import { extract_archive } from '../lib/vision/datasets/utils';
import { findPython } from './helpers/oracle';

interface Pixels {
  shape: number[];
  hex: string;
}
interface CifarRef {
  shape: number[];
  data: string;
  targets: number[];
  classes: string[];
  item1: string;
  target1: number;
}
interface FashionRef {
  len: number;
  classes: string[];
  targets_sum: number;
  data_sum: number;
  items: [number, string, number][];
}
interface Ref {
  cifar10_md5: Record<string, string>;
  cifar100_md5: Record<string, string>;
  cifar10_tgz_md5: string;
  cifar10_train: CifarRef;
  cifar10_test: CifarRef;
  cifar100_train: CifarRef;
  folder: { classes: string[]; class_to_idx: Record<string, number>; samples: [string, number][]; pixels: Pixels[] };
  fashion: { train: FashionRef; test: FashionRef };
  fake: (Pixels & { target: number })[][];
}

const md5 = (b: Uint8Array): string => crypto.createHash('md5').update(b).digest('hex');
const hex = (t: torch.Tensor): string => Buffer.from(t.contiguous().toTypedArray() as Uint8Array).toString('hex');

/** Deterministic bytes (no dependence on torch's RNG). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function idx(typeCode: number, shape: number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 * (shape.length + 1));
  head.writeUInt32BE(typeCode * 256 + shape.length, 0);
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 * (i + 1)));
  return Buffer.concat([head, body]);
}

function writePng(file: string, w: number, h: number, colorType: 0 | 2 | 6, seed: number): void {
  const png = new PNG({ width: w, height: h, colorType, inputColorType: 6, bitDepth: 8 });
  png.data = Buffer.from(bytes(w * h * 4, seed));
  fs.writeFileSync(file, PNG.sync.write(png, { colorType, inputColorType: 6 }));
}

/** Four tiny gzipped IDX files in MNIST's names (3 train, 1 test image). */
function tinyMnistFiles(): [string, Buffer][] {
  const gz = (n: number[], body: Uint8Array, code = 8): Buffer => zlib.gzipSync(idx(code, n, body));
  return [
    ['train-images-idx3-ubyte.gz', gz([3, 28, 28], bytes(3 * 784, 11))],
    ['train-labels-idx1-ubyte.gz', gz([3], Uint8Array.from([7, 8, 9]))],
    ['t10k-images-idx3-ubyte.gz', gz([1, 28, 28], bytes(784, 12))],
    ['t10k-labels-idx1-ubyte.gz', gz([1], Uint8Array.from([2]))],
  ];
}

let tmp: string;
let ref: Ref;
let logSpy: jest.SpyInstance;

beforeAll(() => {
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tts-vision-'));
  const folder = path.join(tmp, 'folder');
  for (const c of ['a_png', 'b_pal', 'c_jpg', 'd_jpeg']) fs.mkdirSync(path.join(folder, c), { recursive: true });
  writePng(path.join(folder, 'a_png', 'rgb.png'), 7, 5, 2, 1);
  writePng(path.join(folder, 'a_png', 'rgba.png'), 3, 4, 6, 2);
  fs.mkdirSync(path.join(folder, 'a_png', 'sub'));
  writePng(path.join(folder, 'a_png', 'sub', 'gray.PNG'), 6, 2, 0, 3);
  fs.writeFileSync(path.join(folder, 'a_png', 'notes.txt'), 'not an image');
  // JPEG fixtures are smooth: on noise, decoders' chroma upsampling differs by tens of levels.
  const rgba = Buffer.alloc(10 * 8 * 4, 255);
  for (let i = 0; i < 80; i++) {
    [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]] = [20 * (i % 10), 25 * Math.floor(i / 10), 128];
  }
  fs.writeFileSync(path.join(folder, 'c_jpg', 'jsenc.jpg'), jpeg.encode({ width: 10, height: 8, data: rgba }, 90).data);
  const flat = jpeg.encode({ width: 2, height: 2, data: Buffer.alloc(16, 9) }, 90).data;
  fs.writeFileSync(path.join(folder, 'd_jpeg', 'x.jpeg'), flat);
  const py = spawnSync(findPython(), [path.join(__dirname, 'helpers', 'vision_datasets_ref.py'), tmp], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (py.status !== 0) throw new Error(`reference script failed:\n${py.stderr}`);
  ref = JSON.parse(py.stdout) as Ref;
});

afterAll(() => {
  logSpy.mockRestore();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('IDX / MNIST', () => {
  const images = bytes(5 * 28 * 28, 7);
  const labels = Uint8Array.from([3, 1, 4, 1, 5]);
  const testImages = bytes(2 * 28 * 28, 8);

  function mnistRoot(): string {
    const raw = path.join(tmp, 'mnist', 'MNIST', 'raw');
    fs.mkdirSync(raw, { recursive: true });
    // Train files extracted (torchvision's layout), test files still gzipped.
    fs.writeFileSync(path.join(raw, 'train-images-idx3-ubyte'), idx(8, [5, 28, 28], images));
    fs.writeFileSync(path.join(raw, 'train-labels-idx1-ubyte'), idx(8, [5], labels));
    fs.writeFileSync(path.join(raw, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(idx(8, [2, 28, 28], testImages)));
    fs.writeFileSync(path.join(raw, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idx(8, [2], Uint8Array.from([9, 0]))));
    return path.join(tmp, 'mnist');
  }

  test('reads raw and gzipped IDX files with torchvision dtypes and shapes', () => {
    const root = mnistRoot();
    const ds = new MNIST(root);
    expect(ds.data.dtype).toBe(torch.uint8);
    expect(ds.data.shape).toEqual([5, 28, 28]);
    expect(ds.targets.dtype).toBe(torch.int64);
    expect(Array.from(ds.targets.toTypedArray() as BigInt64Array, Number)).toEqual([3, 1, 4, 1, 5]);
    expect(ds.length).toBe(5);
    expect(ds.__len__()).toBe(5);
    const [img, target] = ds.getitem(2) as [torch.Tensor, number];
    expect(img.shape).toEqual([28, 28]);
    expect(img.dtype).toBe(torch.uint8);
    expect(hex(img)).toBe(Buffer.from(images.subarray(2 * 784, 3 * 784)).toString('hex'));
    expect(target).toBe(4);
    expect(ds.getitem(-1)[1]).toBe(5);
    expect(() => ds.getitem(5)).toThrow(/index 5 is out of range/);
    expect(ds.class_to_idx['3 - three']).toBe(3);
    const test = new MNIST(root, {
      train: false,
      transform: (x) => (x as torch.Tensor).sum().item(),
      target_transform: (t) => t * 10,
    });
    expect(test.length).toBe(2);
    const sum = Array.from(testImages.subarray(784, 1568)).reduce((a, b) => a + b, 0);
    expect(test.__getitem__(1)).toEqual([sum, 0]);
    expect(String(test)).toContain('Split: Test');
  });

  test('multi-byte IDX values are big-endian; broken files are clear errors', () => {
    const body = Buffer.alloc(6 * 4);
    [-2, 1, 70000, 3, -400000, 5].forEach((v, i) => body.writeInt32BE(v, 4 * i));
    const f = path.join(tmp, 'i32.idx');
    fs.writeFileSync(f, idx(12, [2, 3], body));
    const t = read_sn3_pascalvincent_tensor(f);
    expect(t.dtype).toBe(torch.int32);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.toTypedArray() as Int32Array)).toEqual([-2, 1, 70000, 3, -400000, 5]);
    fs.writeFileSync(f, idx(8, [4, 28, 28], bytes(100, 1)));
    expect(() => read_sn3_pascalvincent_tensor(f)).toThrow(
      /not a valid IDX file: header says 4x28x28 values, the file holds 100/,
    );
    fs.writeFileSync(f, Buffer.from([0, 0, 0x20, 1]));
    expect(() => read_sn3_pascalvincent_tensor(f)).toThrow(/bad magic number/);
    expect(() => new MNIST(path.join(tmp, 'nowhere'))).toThrow(/Dataset not found .*download=True/);
  });
});

describe('FashionMNIST (Debian dataset-fashion-mnist)', () => {
  test.each(['train', 'test'] as const)('%s split equals torchvision', (split) => {
    const r = ref.fashion[split];
    // An empty root: the files come from /usr/share/datasets/fashion-mnist.
    const ds = new FashionMNIST(path.join(tmp, 'empty-root'), { train: split === 'train' });
    expect(ds.length).toBe(r.len);
    expect(ds.length).toBe(split === 'train' ? 60000 : 10000);
    expect(ds.classes).toEqual(r.classes);
    expect(Number(ds.targets.sum().item())).toBe(r.targets_sum);
    expect(Number(ds.data.long().sum().item())).toBe(r.data_sum);
    for (const [i, px, target] of r.items) {
      const [img, t] = ds.getitem(i) as [torch.Tensor, number];
      expect(hex(img)).toBe(px);
      expect(t).toBe(target);
    }
  });
});

/** CIFAR classes whose checksums are those of the generated fixtures. */
function fixtureCifar<C extends typeof CIFAR10>(base: C, md5s: Record<string, string>): C {
  const withMd5 = (l: [string, string | null][]): [string, string][] => l.map(([f]) => [f, md5s[f]]);
  const cls = class extends (base as typeof CIFAR10) {
    static train_list = withMd5(base.train_list);
    static test_list = withMd5(base.test_list);
    static meta = { ...base.meta, md5: md5s[base.meta.filename] };
  };
  return cls as unknown as C;
}

describe('CIFAR', () => {
  function expectSame(ds: CIFAR10, r: CifarRef): void {
    expect(ds.data.dtype).toBe(torch.uint8);
    expect(ds.data.shape).toEqual(r.shape);
    expect(hex(ds.data)).toBe(r.data);
    expect(ds.targets).toEqual(r.targets);
    expect(ds.classes).toEqual(r.classes);
    const [img, target] = ds.getitem(1) as [torch.Tensor, number];
    expect(img.shape).toEqual([32, 32, 3]);
    expect(hex(img)).toBe(r.item1);
    expect(target).toBe(r.target1);
  }

  test('CIFAR10 (Python 2 pickles like the real archive) equals torchvision', () => {
    const C = fixtureCifar(CIFAR10, ref.cifar10_md5);
    expectSame(new C(path.join(tmp, 'cifar')), ref.cifar10_train);
    const test = new C(path.join(tmp, 'cifar'), { train: false });
    expectSame(test, ref.cifar10_test);
    expect(test.class_to_idx.truck).toBe(9);
  });

  test('CIFAR100 (protocol 4, fine_labels) equals torchvision', () => {
    const C = fixtureCifar(CIFAR100, ref.cifar100_md5);
    expectSame(new C(path.join(tmp, 'cifar')), ref.cifar100_train);
  });

  test('checksums are checked as torchvision does', () => {
    expect(() => new CIFAR10(path.join(tmp, 'cifar'))).toThrow(/Dataset not found or corrupted/);
  });

  test.each([2, 3, 5])('numpy pickles of protocol %i', (p) => {
    const v = loadNumpyPickle(fs.readFileSync(path.join(tmp, `np_p${p}.pkl`)));
    if (!(v instanceof Map)) throw new Error('expected a dict');
    const data = v.get('data') as NdArray;
    expect(data.shape).toEqual([2, 3, 4]);
    expect(data.dtype.descr).toBe('i4');
    const values = Array.from(new Int32Array(new Uint8Array(data.data).buffer));
    expect(values).toEqual(Array.from({ length: 24 }, (_, i) => i * 1000 - 5000));
    const f = v.get('f') as NdArray;
    expect(f.shape).toEqual([4, 3, 2]);
    expect(f.dtype.descr).toBe('f4');
    expect(v.get('l')).toEqual([1, 2]);
  });

  test('the allow-list refuses anything but numpy arrays', () => {
    // pickle.dumps(os.system) at protocol 2: GLOBAL posix.system.
    const evil = Buffer.from('\x80\x02cposix\nsystem\nq\x00.', 'latin1');
    expect(() => loadNumpyPickle(evil)).toThrow(/global posix.system is not allowed/);
  });
});

describe('ImageFolder', () => {
  test('classes, samples and pixels equal torchvision + PIL', () => {
    const root = path.join(tmp, 'folder');
    const ds = new ImageFolder(root);
    expect(ds.classes).toEqual(ref.folder.classes);
    expect(ds.class_to_idx).toEqual(ref.folder.class_to_idx);
    expect(ds.samples.map(([p, t]) => [path.relative(root, p), t])).toEqual(ref.folder.samples);
    expect(ds.imgs).toBe(ds.samples);
    expect(ds.targets).toEqual(ref.folder.samples.map((s) => s[1]));
    ds.samples.forEach(([p], i) => {
      const [img] = ds.getitem(i) as [torch.Tensor, number];
      const want = ref.folder.pixels[i];
      expect(img.shape).toEqual(want.shape);
      expect(img.dtype).toBe(torch.uint8);
      const got = img.toTypedArray() as Uint8Array;
      const exp = Buffer.from(want.hex, 'hex');
      if (/\.png$/i.test(p) || nativeImageDecoders.jpeg) {
        // PNG always, JPEG through the native decoder (libjpeg-turbo, as Pillow): exact. The full
        // decoding matrix against Pillow is in tests/image_decode.test.ts.
        expect([path.basename(p), Buffer.from(got).toString('hex')]).toEqual([path.basename(p), want.hex]);
      } else {
        // JPEG through jpeg-js (an addon built without libjpeg): decoders differ slightly (IDCT
        // rounding); with 4:2:0 chroma, libjpeg's "fancy" upsampling interpolates where jpeg-js
        // replicates, so edges of colour steps differ more.
        let worst = 0;
        let total = 0;
        got.forEach((v, j) => {
          worst = Math.max(worst, Math.abs(v - exp[j]));
          total += Math.abs(v - exp[j]);
        });
        // This fixture is a steep colour gradient, the worst case for that difference.
        const is420 = p.endsWith('rgb420.jpg');
        expect(worst).toBeLessThanOrEqual(is420 ? 16 : 3);
        expect(total / got.length).toBeLessThan(is420 ? 5 : 1);
      }
    });
  });

  test('errors as torchvision', () => {
    const root = path.join(tmp, 'folder2');
    fs.mkdirSync(path.join(root, 'only_txt'), { recursive: true });
    fs.writeFileSync(path.join(root, 'only_txt', 'a.txt'), 'x');
    expect(() => new ImageFolder(root)).toThrow(
      /Found no valid file for the classes only_txt\. Supported extensions are: \.jpg, \.jpeg/,
    );
    expect(() => new ImageFolder(path.join(root, 'only_txt'))).toThrow(/Couldn't find any class folder/);
    fs.writeFileSync(path.join(root, 'only_txt', 'bad.png'), 'not a png');
    const ds = new ImageFolder(root);
    expect(() => ds.getitem(0)).toThrow(/cannot identify image file .*bad\.png/);
  });
});

describe('FakeData', () => {
  test('equals torchvision FakeData for the same parameters', () => {
    const params = [
      { size: 4, image_size: [3, 8, 6] as [number, number, number], num_classes: 7, random_offset: 3 },
      { size: 3, image_size: [1, 5, 4] as [number, number, number], num_classes: 10, random_offset: 0 },
    ];
    params.forEach((p, k) => {
      const ds = new FakeData(p);
      expect(ds.length).toBe(p.size);
      ref.fake[k].forEach((want, i) => {
        const [img, target] = ds.getitem(i) as [torch.Tensor, number];
        expect(img.shape).toEqual(want.shape);
        expect(hex(img)).toBe(want.hex);
        expect(target).toBe(want.target);
      });
      expect(() => ds.getitem(p.size)).toThrow(/out of range/);
    });
  });
});

describe('downloads (local HTTP server)', () => {
  let server: http.Server;
  let base: string;
  const files = new Map<string, Buffer>();
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      const body = files.get(req.url ?? '');
      if (req.url === '/moved/cifar-10-python.tar.gz') {
        res.writeHead(302, { Location: '/good/cifar-10-python.tar.gz' }).end();
      } else if (body) {
        res.writeHead(200, { 'Content-Length': body.length }).end(body);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    delete process.env.TORCHTS_DATASET_MIRROR;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function mnistFiles(): [string, string][] {
    const content = tinyMnistFiles();
    for (const [name, b] of content) files.set(`/good/${name}`, b);
    return content.map(([name, b]) => [name, md5(b)]);
  }

  test('MNIST: first mirror 404s, second serves files with the right MD5s; no second download', async () => {
    const resources = mnistFiles();
    class TinyMNIST extends MNIST {
      static mirrors = [`${base}/missing/`, `${base}/good/`];
      static resources = resources;
    }
    const root = path.join(tmp, 'dl-mnist');
    const ds = await TinyMNIST.create(root, { download: true });
    expect(ds.length).toBe(3);
    expect(ds.getitem(2)[1]).toBe(9);
    expect(fs.existsSync(path.join(root, 'TinyMNIST', 'raw', 'train-images-idx3-ubyte'))).toBe(true);
    expect(hits.filter((h) => h.startsWith('/missing/'))).toHaveLength(4);
    const before = hits.length;
    const again = await TinyMNIST.create(root, { download: true, train: false });
    expect(again.getitem(0)[1]).toBe(2);
    expect(hits.length).toBe(before);
  });

  test('MNIST: a wrong MD5 is a clear error', async () => {
    const resources = mnistFiles().map(([f]) => [f, '0'.repeat(32)] as [string, string]);
    class BadMNIST extends MNIST {
      static mirrors = [`${base}/good/`];
      static resources = resources;
    }
    await expect(BadMNIST.create(path.join(tmp, 'dl-bad'), { download: true })).rejects.toThrow(
      /File not found or corrupted: .*train-images-idx3-ubyte\.gz \(MD5 [0-9a-f]{32}, expected 0{32}\)/,
    );
  });

  test('CIFAR10 via TORCHTS_DATASET_MIRROR (with a redirect) equals the local copy', async () => {
    const tgz = fs.readFileSync(path.join(tmp, 'cifar-10-python.tar.gz'));
    files.set('/good/cifar-10-python.tar.gz', tgz);
    const C = fixtureCifar(CIFAR10, ref.cifar10_md5);
    C.tgz_md5 = ref.cifar10_tgz_md5;
    process.env.TORCHTS_DATASET_MIRROR = `${base}/moved`;
    const ds = await C.create(path.join(tmp, 'dl-cifar'), { download: true });
    expect(hex(ds.data)).toBe(ref.cifar10_train.data);
    expect(ds.targets).toEqual(ref.cifar10_train.targets);
  });

  test('truncated archives are clear errors', async () => {
    const tgz = fs.readFileSync(path.join(tmp, 'cifar-10-python.tar.gz'));
    files.set('/good/cifar-10-python.tar.gz', tgz.subarray(0, tgz.length - 100));
    const C = fixtureCifar(CIFAR10, ref.cifar10_md5);
    C.tgz_md5 = null; // no checksum: the archive check itself must catch it
    process.env.TORCHTS_DATASET_MIRROR = `${base}/good/`;
    await expect(C.create(path.join(tmp, 'dl-trunc'), { download: true })).rejects.toThrow(
      /cannot extract .*cifar-10-python\.tar\.gz: broken gzip stream/,
    );
    // A complete gzip stream around a cut tar.
    const tar = zlib.gunzipSync(tgz);
    const cut = path.join(tmp, 'cut.tar.gz');
    fs.writeFileSync(cut, zlib.gzipSync(tar.subarray(0, 512 * 40 + 100)));
    expect(() => extract_archive(cut, path.join(tmp, 'cut-out'))).toThrow(
      /broken tar archive \(unexpected end of archive\)/,
    );
  });
});

describe("keyword form: new X({ root, ...opts }) as torchvision's X(root=..., ...)", () => {
  const loader = (p: string): string => p;
  /** A constructor call with arguments its types refuse (what plain JS callers can pass). */
  const make = (C: unknown, ...args: unknown[]): unknown => new (C as new (...a: unknown[]) => unknown)(...args);
  /** VisionDataset is abstract here; Python can build one as is. */
  class Plain extends VisionDataset {
    get length(): number {
      return 0;
    }
    protected rawItem(): [unknown, unknown] {
      throw new Error('no items');
    }
  }
  // [JS call, the same call in Python]: the TypeErrors must read as Python's.
  const calls: [() => unknown, string][] = [
    [() => make(CIFAR10), 'd.CIFAR10()'],
    [() => make(CIFAR10, { train: false }), 'd.CIFAR10(train=False)'],
    [() => make(CIFAR10, './a', { root: './b' }), "d.CIFAR10('./a', root='./b')"],
    [() => make(CIFAR10, 5), 'd.CIFAR10(5)'],
    [() => make(CIFAR10, null), 'd.CIFAR10(None)'],
    [() => make(CIFAR100), 'd.CIFAR100()'],
    [() => make(FashionMNIST), 'd.FashionMNIST()'],
    [() => make(MNIST, { root: 5 }), 'd.MNIST(root=5)'],
    [() => make(ImageFolder), 'd.ImageFolder()'],
    [() => make(DatasetFolder), 'd.DatasetFolder()'],
    [() => make(DatasetFolder, 'x'), "d.DatasetFolder('x')"],
    [() => make(DatasetFolder, 'x', loader, { root: 'z' }), "d.DatasetFolder('x', len, root='z')"],
    // Unknown keywords: each class's own list (Python names the class whose __init__ runs).
    [() => make(CIFAR10, 'x', { trian: false }), "d.CIFAR10('x', trian=False)"],
    [() => make(CIFAR100, { root: 'x', trian: false }), "d.CIFAR100(root='x', trian=False)"],
    [() => make(MNIST, { trian: true }), 'd.MNIST(trian=True)'],
    [() => make(MNIST, './a', { trian: true, root: './b' }), "d.MNIST('./a', trian=True, root='./b')"],
    [() => make(MNIST, './a', { root: './b', trian: true }), "d.MNIST('./a', root='./b', trian=True)"],
    [() => make(FashionMNIST, 'x', { transforms: loader }), "d.FashionMNIST('x', transforms=len)"],
    [() => make(ImageFolder, 'x', { extensions: ['.png'] }), "d.ImageFolder('x', extensions=['.png'])"],
    [
      () => make(DatasetFolder, 'x', loader, { is_valid_file: loader, bogus: 1 }),
      "d.DatasetFolder('x', len, is_valid_file=len, bogus=1)",
    ],
    [() => make(FakeData, { root: 'x' }), "d.FakeData(root='x')"],
    [() => make(FakeData, { size: 2, sise: 3 }), 'd.FakeData(size=2, sise=3)'],
    [() => make(Plain, 'x', { trnsform: loader }), "d.VisionDataset('x', trnsform=len)"],
  ];

  test("missing, doubled or mistyped arguments are Python's TypeErrors", () => {
    const script = [
      'import json',
      'from torchvision import datasets as d',
      `cases = [${calls.map(([, py]) => `lambda: ${py}`).join(', ')}]`,
      'out = []',
      'for f in cases:',
      '    try:',
      '        f()',
      '        out.append(None)',
      '    except TypeError as e:',
      '        out.append(str(e))',
      'print(json.dumps(out))',
    ].join('\n');
    const py = spawnSync(findPython(), ['-c', script], { encoding: 'utf8' });
    if (py.status !== 0) throw new Error(py.stderr);
    const want = JSON.parse(py.stdout) as (string | null)[];
    calls.forEach(([js], i) => {
      expect(want[i]).not.toBeNull();
      let got: unknown = null;
      try {
        js();
      } catch (e) {
        got = e;
      }
      expect(got).toBeInstanceOf(TypeError);
      expect((got as Error).message).toBe(want[i]);
    });
    // Python's ImageFolder fails later (os.scandir) on a non-path root; ours fails as the others do.
    expect(() => make(ImageFolder, 5)).toThrow(/^expected str, bytes or os\.PathLike object, not int$/);
    expect(() => make(DatasetFolder, 'x', 'nope')).toThrow("'str' object is not callable");
    expect(() => make(CIFAR10, 'x', {}, {})).toThrow(/takes 2 positional arguments but 3 were given/);
    return expect(MNIST.create({ train: true } as never)).rejects.toThrow(
      "MNIST.create() missing 1 required positional argument: 'root'",
    );
  });

  test('unknown keywords: create() checks them too; undefined values count as not given', async () => {
    await expect(CIFAR100.create('x', { download: false, trian: true } as never)).rejects.toThrow(
      new TypeError("CIFAR10.create() got an unexpected keyword argument 'trian'"),
    );
    await expect(MNIST.create({ root: 'x', dowload: true } as never)).rejects.toThrow(
      new TypeError("MNIST.create() got an unexpected keyword argument 'dowload'"),
    );
    // A known or unknown key holding undefined is not an argument (as `opts.x ?? default` reads it).
    const fake = make(FakeData, { size: 3, transform: undefined, sise: undefined }) as FakeData;
    expect(fake.length).toBe(3);
    const folder = path.join(tmp, 'folder');
    const byUndefined = make(ImageFolder, folder, { extensions: undefined, loader: undefined }) as ImageFolder;
    expect(byUndefined.samples).toEqual(new ImageFolder(folder).samples);
    expect(() => make(CIFAR10, path.join(tmp, 'nowhere'), { trian: undefined })).toThrow(/Dataset not found/);
    // Only VisionDataset takes the joint `transforms`, as in torchvision; its subclasses get theirs alone.
    const both = (img: unknown, t: unknown): [unknown, unknown] => [t, img];
    expect(new Plain('x', { transforms: both }).transforms).toBe(both);
    expect(() => make(FakeData, { size: 1, transforms: both })).toThrow(
      "FakeData.__init__() got an unexpected keyword argument 'transforms'",
    );
  });

  test('reads the same data as the positional form', async () => {
    const cifarRoot = path.join(tmp, 'cifar');
    const C = fixtureCifar(CIFAR10, ref.cifar10_md5);
    const tf = (x: unknown): string => hex(x as torch.Tensor);
    const kw = new C({ root: cifarRoot, train: false, transform: tf });
    expect(kw.root).toBe(cifarRoot);
    expect(hex(kw.data)).toBe(ref.cifar10_test.data);
    expect(kw.getitem(1)).toEqual([ref.cifar10_test.item1, ref.cifar10_test.target1]);
    const viaCreate = await C.create({ root: cifarRoot, train: false });
    expect(hex(viaCreate.data)).toBe(ref.cifar10_test.data);

    const fashionRoot = path.join(tmp, 'empty-root');
    const f = new FashionMNIST({ root: fashionRoot, train: false, target_transform: (t: number) => t + 100 });
    const positional = new FashionMNIST(fashionRoot, { train: false });
    expect(f.length).toBe(10000);
    expect(f.getitem(3)[1]).toBe((positional.getitem(3)[1] as number) + 100);

    const folder = path.join(tmp, 'folder');
    const byKw = new ImageFolder({ root: folder });
    expect(byKw.samples).toEqual(new ImageFolder(folder).samples);
    const extensions = ['.png', '.jpg', '.jpeg'];
    const forms = [
      new DatasetFolder(folder, loader, { extensions }),
      new DatasetFolder(folder, { loader, extensions }),
      new DatasetFolder({ root: folder, loader, extensions }),
    ];
    for (const ds of forms) {
      expect(ds.samples).toEqual(forms[0].samples);
      expect(ds.getitem(0)[0]).toBe(ds.samples[0][0]);
    }
    expect(forms[0].samples).toEqual(byKw.samples);
  });
});

/**
 * `download: true` in a constructor blocks this thread until the files are there, so the HTTP
 * server runs in a worker thread of its own. It serves `serve/<dir>/<file>`, redirects
 * `/moved/<file>` to `/good/<file>`, and logs every request line to a file.
 */
const SERVER = String.raw`
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { dir, log } = workerData;
const server = http.createServer((req, res) => {
  fs.appendFileSync(log, req.url + '\n');
  if (req.url.startsWith('/moved/')) {
    res.writeHead(302, { Location: '/good/' + path.basename(req.url) }).end();
    return;
  }
  const file = path.join(dir, path.normalize(req.url));
  if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, { 'Content-Length': body.length }).end(body);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

describe('download: true in the constructor (synchronous, server in a worker thread)', () => {
  let server: Worker;
  let base: string;
  let serveDir: string;
  let logFile: string;
  const hits = (): string[] => fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  const logged = (): string[] => logSpy.mock.calls.map((c) => String(c[0]));
  const serve = (file: string, body: Uint8Array): void => {
    fs.mkdirSync(path.dirname(path.join(serveDir, file)), { recursive: true });
    fs.writeFileSync(path.join(serveDir, file), body);
  };
  let tinyMd5s: [string, string][];

  beforeAll(async () => {
    // The download thread runs the compiled package (ts-jest cannot start TypeScript workers).
    for (const name of ['_fetch_worker', '_fetch']) {
      const js = path.join(__dirname, '..', 'dist', 'lib', 'vision', 'datasets', `${name}.js`);
      const ts = path.join(__dirname, '..', 'lib', 'vision', 'datasets', `${name}.ts`);
      if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(ts).mtimeMs) {
        throw new Error(`${js} is missing or older than ${ts}: run npx tsc -p tsconfig.json (or npm run setup)`);
      }
    }
    serveDir = path.join(tmp, 'serve');
    logFile = path.join(tmp, 'serve.log');
    fs.mkdirSync(serveDir);
    fs.writeFileSync(logFile, '');
    const tgz = fs.readFileSync(path.join(tmp, 'cifar-10-python.tar.gz'));
    serve('good/cifar-10-python.tar.gz', tgz);
    serve('trunc/cifar-10-python.tar.gz', tgz.subarray(0, tgz.length - 100));
    const mnist = tinyMnistFiles();
    for (const [name, body] of mnist) serve(`good/${name}`, body);
    tinyMd5s = mnist.map(([name, body]) => [name, md5(body)]);
    server = new Worker(SERVER, { eval: true, workerData: { dir: serveDir, log: logFile } });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('message', resolve);
      server.once('error', reject);
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    delete process.env.TORCHTS_DATASET_MIRROR;
    await server.terminate();
  });

  test("the issue's literal CIFAR10 form, with a transform, equals the local copy; no second download", () => {
    const C = fixtureCifar(CIFAR10, ref.cifar10_md5);
    C.tgz_md5 = ref.cifar10_tgz_md5;
    process.env.TORCHTS_DATASET_MIRROR = `${base}/moved`;
    const root = path.join(tmp, 'sync-cifar');
    const transform_train = new transforms.Compose([new transforms.ToTensor()]);
    const before = hits().length;
    const train_dataset = new C({ root, train: true, download: true, transform: transform_train });
    expect(hits().slice(before)).toEqual(['/moved/cifar-10-python.tar.gz', '/good/cifar-10-python.tar.gz']);
    const archive = path.join(root, 'cifar-10-python.tar.gz');
    expect(logged()).toContain(`Downloading ${base}/moved/cifar-10-python.tar.gz to ${archive}`);
    expect(logged()).toContain(`Extracting ${archive} to ${root}`);
    expect(fs.readdirSync(root).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(hex(train_dataset.data)).toBe(ref.cifar10_train.data);
    expect(train_dataset.targets).toEqual(ref.cifar10_train.targets);
    const [img, target] = train_dataset.getitem(1) as [torch.Tensor, number];
    expect(img.shape).toEqual([3, 32, 32]);
    expect(hex(img.mul(255).round().byte().permute(1, 2, 0))).toBe(ref.cifar10_train.item1);
    expect(target).toBe(ref.cifar10_train.target1);

    const n = hits().length;
    logSpy.mockClear();
    const test_dataset = new C(root, { train: false, download: true });
    expect(hits().length).toBe(n);
    expect(logged()).toEqual(['Files already downloaded and verified']);
    expect(hex(test_dataset.data)).toBe(ref.cifar10_test.data);
  });

  test('MNIST: first mirror 404s, the second serves; a second construction makes no request', () => {
    const resources = tinyMd5s;
    class TinyMNIST extends MNIST {
      static mirrors = [`${base}/missing/`, `${base}/good/`];
      static resources = resources;
    }
    delete process.env.TORCHTS_DATASET_MIRROR;
    const root = path.join(tmp, 'sync-mnist');
    const before = hits().length;
    logSpy.mockClear();
    const ds = new TinyMNIST({ root, download: true });
    const made = hits().slice(before);
    expect(made).toEqual(resources.flatMap(([f]) => [`/missing/${f}`, `/good/${f}`]));
    expect(logged().filter((l) => l.startsWith('Failed to download (trying next):\nHTTP Error 404'))).toHaveLength(4);
    expect(ds.length).toBe(3);
    expect(ds.getitem(2)[1]).toBe(9);
    const raw = path.join(root, 'TinyMNIST', 'raw');
    expect(fs.readdirSync(raw).sort()).toEqual(resources.flatMap(([f]) => [f.replace(/\.gz$/, ''), f]).sort());
    const n = hits().length;
    const again = new TinyMNIST(root, { train: false, download: true });
    expect(again.getitem(0)[1]).toBe(2);
    TinyMNIST.download(root); // torchvision's download(): already there, nothing to do
    expect(hits().length).toBe(n);
  });

  test('MNIST: every mirror failing is an error naming the file', () => {
    class NoMNIST extends MNIST {
      static mirrors = [`${base}/missing/`, 'http://127.0.0.1:1/'];
    }
    expect(() => new NoMNIST({ root: path.join(tmp, 'sync-none'), download: true })).toThrow(
      'Error downloading train-images-idx3-ubyte.gz',
    );
    expect(
      logged().some((l) => /^Failed to download \(trying next\):\n<urlopen error connect ECONNREFUSED/.test(l)),
    ).toBe(true);
  });

  test('a wrong MD5 is the same clear error as the async path; no file is left', () => {
    const resources = tinyMd5s.map(([f]) => [f, '0'.repeat(32)] as [string, string]);
    class BadMNIST extends MNIST {
      static mirrors = [`${base}/good/`];
      static resources = resources;
    }
    const root = path.join(tmp, 'sync-bad');
    let err: unknown;
    try {
      new BadMNIST({ root, download: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(torch.TorchError);
    expect((err as torch.TorchError).python_type).toBe('RuntimeError');
    expect((err as Error).message).toMatch(
      /^File not found or corrupted: .*train-images-idx3-ubyte\.gz \(MD5 [0-9a-f]{32}, expected 0{32}\)/,
    );
    expect(fs.readdirSync(path.join(root, 'BadMNIST', 'raw')).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  test('a truncated archive is a clear error', () => {
    const C = fixtureCifar(CIFAR10, ref.cifar10_md5);
    C.tgz_md5 = null; // no checksum: the archive check itself must catch it
    process.env.TORCHTS_DATASET_MIRROR = `${base}/trunc/`;
    expect(() => new C({ root: path.join(tmp, 'sync-trunc'), download: true })).toThrow(
      /cannot extract .*cifar-10-python\.tar\.gz: broken gzip stream/,
    );
  });

  test('a DataLoader worker thread can construct a dataset with download: true', async () => {
    // The worker rebuilds the dataset from a module of compiled JS, as a user's own class would be.
    const dist = path.join(__dirname, '..', 'dist', 'lib', 'vision', 'datasets');
    const mod = path.join(tmp, 'worker_mnist.js');
    const mirror = JSON.stringify(`${base}/good/`);
    fs.writeFileSync(
      mod,
      `const { MNIST } = require(${JSON.stringify(dist)});\n` +
        `class WorkerMNIST extends MNIST {}\nWorkerMNIST.mirrors = [${mirror}];\n` +
        `WorkerMNIST.resources = ${JSON.stringify(tinyMd5s)};\nmodule.exports = { WorkerMNIST };\n`,
    );
    delete process.env.TORCHTS_DATASET_MIRROR;
    const root = path.join(tmp, 'sync-worker');
    /** Only its length is used here: each worker builds the real dataset from the spec. */
    class Remote extends torch.utils.data.Dataset<unknown> {
      get length(): number {
        return 3;
      }
      workerSpec(): torch.utils.data.WorkerSpec {
        return { module: mod, exportName: 'WorkerMNIST', args: [{ root, download: true }] };
      }
    }
    const ds = new Remote();
    const before = hits().length;
    const loader = new torch.utils.data.DataLoader(ds, { batch_size: 3, num_workers: 1 });
    const batches: [torch.Tensor, torch.Tensor][] = [];
    for await (const b of loader) batches.push(b as [torch.Tensor, torch.Tensor]);
    expect(batches).toHaveLength(1);
    expect(hex(batches[0][0])).toBe(Buffer.from(bytes(3 * 784, 11)).toString('hex'));
    expect(Array.from(batches[0][1].toTypedArray() as BigInt64Array, Number)).toEqual([7, 8, 9]);
    expect(hits().slice(before)).toEqual(tinyMd5s.map(([f]) => `/good/${f}`));
    expect(fs.existsSync(path.join(root, 'WorkerMNIST', 'raw', 'train-images-idx3-ubyte'))).toBe(true);
  });
});
