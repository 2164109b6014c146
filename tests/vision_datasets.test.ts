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
import * as zlib from 'zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as torch from '../lib';
import {
  CIFAR10,
  CIFAR100,
  FakeData,
  FashionMNIST,
  ImageFolder,
  MNIST,
  read_sn3_pascalvincent_tensor,
} from '../lib/vision/datasets';
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
    expect(() => new MNIST(tmp, { download: true } as never)).toThrow(/await MNIST.create/);
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
      if (/\.png$/i.test(p)) {
        expect(Buffer.from(got).toString('hex')).toBe(want.hex); // PNG: exact
      } else {
        // JPEG: decoders differ slightly (IDCT rounding); with 4:2:0 chroma, libjpeg's "fancy"
        // upsampling interpolates where jpeg-js replicates, so edges of colour steps differ more.
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
    const gz = (n: number[], body: Uint8Array, code = 8): Buffer => zlib.gzipSync(idx(code, n, body));
    const content: [string, Buffer][] = [
      ['train-images-idx3-ubyte.gz', gz([3, 28, 28], bytes(3 * 784, 11))],
      ['train-labels-idx1-ubyte.gz', gz([3], Uint8Array.from([7, 8, 9]))],
      ['t10k-images-idx3-ubyte.gz', gz([1, 28, 28], bytes(784, 12))],
      ['t10k-labels-idx1-ubyte.gz', gz([1], Uint8Array.from([2]))],
    ];
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
