/**
 * DataLoader workers on native threads (native/data_pipeline.cc) for the built-in in-memory
 * datasets with built-in transforms: Python's own num_workers=2 batches for random pipelines on
 * Fashion-MNIST-format and CIFAR-10-format files (PIL path, same seeds), the batches of the
 * worker_threads path (TORCHTS_NATIVE_WORKERS=0) including persistent workers, synchronous
 * `for...of`, PyTorch's errors on the batch they belong to, and the fallback for what the
 * native threads do not run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { Generator } from '../lib/generator';
import * as data from '../lib/utils/data';
import { nativeSource } from '../lib/utils/data/_native_loader';
import { datasets, transforms as T } from '../lib/vision';
import { findPython } from './helpers/oracle';
import { bytes, idx } from './helpers/fixtures';

type Batch = [torch.Tensor, torch.Tensor];
type Pair = [unknown, unknown];

let tmp: string;

/** CIFAR-10's files with md5 checks off (a fixture, not the real archive). */
class FixtureCIFAR10 extends datasets.CIFAR10 {
  static train_list: [string, string | null][] = [['data_batch_1', null]];
  static test_list: [string, string | null][] = [['test_batch', null]];
  static meta = { filename: 'batches.meta', key: 'label_names', md5: null };
}

const N_MNIST = 90;
const N_CIFAR = 70;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-native-workers-'));
  const raw = path.join(tmp, 'FashionMNIST', 'raw');
  fs.mkdirSync(raw, { recursive: true });
  for (const split of ['train', 't10k']) {
    fs.writeFileSync(
      path.join(raw, `${split}-images-idx3-ubyte`),
      idx(0x803, [N_MNIST, 28, 28], bytes(N_MNIST * 784, 3)),
    );
    const labels = Uint8Array.from({ length: N_MNIST }, (_, i) => (i * 7) % 10);
    fs.writeFileSync(path.join(raw, `${split}-labels-idx1-ubyte`), idx(0x801, [N_MNIST], labels));
  }
  // CIFAR batches as Python pickles them (numpy uint8 rows of 3072, labels lists).
  const py = spawnSync(
    findPython(),
    [
      '-c',
      `
import os, pickle, sys, numpy as np
d = os.path.join(sys.argv[1], 'cifar-10-batches-py'); os.makedirs(d, exist_ok=True)
rng = np.random.RandomState(0)
for name in ['data_batch_1', 'test_batch']:
    with open(os.path.join(d, name), 'wb') as f:
        pickle.dump({'data': rng.randint(0, 256, (${N_CIFAR}, 3072)).astype(np.uint8),
                     'labels': [int(v) for v in rng.randint(0, 10, ${N_CIFAR})]}, f)
with open(os.path.join(d, 'batches.meta'), 'wb') as f:
    pickle.dump({'label_names': ['c%d' % i for i in range(10)]}, f)
`,
      tmp,
    ],
    { encoding: 'utf8' },
  );
  expect(py.stderr).toBe('');
});

afterAll(() => {
  delete process.env.TORCHTS_NATIVE_WORKERS;
  fs.rmSync(tmp, { recursive: true, force: true });
});

// The pipelines, as TS and as the same Python (torchvision on PIL images).
const PIPELINES = {
  mnist: {
    ts: () =>
      new T.Compose([
        new T.RandomCrop(28, { padding: 3, padding_mode: 'reflect' }),
        new T.RandomHorizontalFlip(),
        new T.ColorJitter(0.5, 0.5),
        new T.RandomRotation(15),
        new T.ToTensor(),
        new T.Normalize([0.286], [0.353]),
      ]),
    py: `T.Compose([T.RandomCrop(28, padding=3, padding_mode='reflect'), T.RandomHorizontalFlip(),
           T.ColorJitter(0.5, 0.5), T.RandomRotation(15), T.ToTensor(), T.Normalize((0.286,), (0.353,))])`,
  },
  cifar: {
    ts: () =>
      new T.Compose([
        new T.RandomResizedCrop(24, { scale: [0.5, 1] }),
        new T.RandomVerticalFlip(0.3),
        new T.ColorJitter(0.4, 0.4, 0.4, 0.1),
        new T.RandomRotation([-30, 10], { interpolation: T.InterpolationMode.BILINEAR, fill: [10, 20, 30] }),
        new T.Pad(2, 7),
        new T.CenterCrop(26),
        new T.ToTensor(),
        new T.Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.2435, 0.2616]),
      ]),
    py: `T.Compose([T.RandomResizedCrop(24, scale=(0.5, 1)), T.RandomVerticalFlip(0.3),
           T.ColorJitter(0.4, 0.4, 0.4, 0.1),
           T.RandomRotation((-30, 10), interpolation=T.InterpolationMode.BILINEAR, fill=(10, 20, 30)), T.Pad(2, 7), T.CenterCrop(26), T.ToTensor(),
           T.Normalize((0.4914, 0.4822, 0.4465), (0.247, 0.2435, 0.2616))])`,
  },
  cifarUint8: {
    ts: () =>
      new T.Compose([
        new T.Resize(40, { interpolation: T.InterpolationMode.BICUBIC }),
        new T.RandomCrop(44, { pad_if_needed: true, padding_mode: 'edge' }),
        new T.PILToTensor(),
      ]),
    py: `T.Compose([T.Resize(40, interpolation=T.InterpolationMode.BICUBIC),
           T.RandomCrop(44, pad_if_needed=True, padding_mode='edge'), T.PILToTensor()])`,
  },
  cifarGray: {
    ts: () =>
      new T.Compose([
        new T.RandomGrayscale(0.5),
        new T.Grayscale(3),
        new T.ToTensor(),
        new T.RandomErasing(0.7, { value: 'random' }),
        new T.RandomErasing(0.7, { scale: [0.1, 0.2], value: [0.1, 0.2, 0.3] }),
      ]),
    py: `T.Compose([T.RandomGrayscale(0.5), T.Grayscale(3), T.ToTensor(),
           T.RandomErasing(0.7, value='random'), T.RandomErasing(0.7, scale=(0.1, 0.2), value=(0.1, 0.2, 0.3))])`,
  },
};
type PipelineName = keyof typeof PIPELINES;

function makeDataset(kind: PipelineName): data.Dataset<Pair> {
  const transform = PIPELINES[kind].ts();
  if (kind === 'mnist') return new datasets.FashionMNIST(tmp, { transform }) as unknown as data.Dataset<Pair>;
  return new FixtureCIFAR10(tmp, { transform }) as unknown as data.Dataset<Pair>;
}

const loaderOpts = (seed: number) => ({
  batch_size: 16,
  shuffle: true,
  num_workers: 2,
  generator: new Generator().manual_seed(seed),
});

async function collect(loader: data.DataLoader<Pair, Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

function expectSameBatches(got: Batch[], want: Batch[]): void {
  expect(got.map(([x, y]) => [x.shape, x.dtype.name, y.shape])).toEqual(
    want.map(([x, y]) => [x.shape, x.dtype.name, y.shape]),
  );
  got.forEach(([x, y], i) => {
    expect(torch.equal(x, want[i][0])).toBe(true);
    expect(torch.equal(y, want[i][1])).toBe(true);
  });
}

/** Python's DataLoader(num_workers=2) batches for each pipeline, as raw little-endian bytes. */
function pythonBatches(seed: number): Record<PipelineName, { x: Buffer; y: number[]; shape: number[] }> {
  const cases = Object.entries(PIPELINES)
    .map(([name, p]) => `    '${name}': ${p.py.replace(/\n\s*/g, ' ')},`)
    .join('\n');
  const script = `
import json, sys, torch, torchvision
import torchvision.transforms as T
from torchvision import datasets
class FixtureCIFAR10(datasets.CIFAR10):
    train_list = [['data_batch_1', None]]
    test_list = [['test_batch', None]]
    meta = {'filename': 'batches.meta', 'key': 'label_names', 'md5': None}
root, seed, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pipes = {
${cases}
}
res = {}
for name, tf in pipes.items():
    ds = datasets.FashionMNIST(root, transform=tf) if name == 'mnist' else FixtureCIFAR10(root, transform=tf)
    g = torch.Generator(); g.manual_seed(seed)
    xs, ys = [], []
    for x, y in torch.utils.data.DataLoader(ds, batch_size=16, shuffle=True, num_workers=2, generator=g):
        xs.append(x); ys.append(y)
    x = torch.cat(xs)
    with open(out + '.' + name, 'wb') as f: f.write(x.contiguous().numpy().tobytes())
    res[name] = {'y': torch.cat(ys).tolist(), 'shape': list(x.shape)}
print(json.dumps(res))
`;
  const out = path.join(tmp, 'py-batches');
  const r = spawnSync(findPython(), ['-c', script, tmp, String(seed), out], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  const res = JSON.parse(r.stdout) as Record<PipelineName, { y: number[]; shape: number[] }>;
  const full = {} as Record<PipelineName, { x: Buffer; y: number[]; shape: number[] }>;
  for (const name of Object.keys(res) as PipelineName[]) {
    full[name] = { ...res[name], x: fs.readFileSync(`${out}.${name}`) };
  }
  return full;
}

describe('native worker threads', () => {
  test('built-in datasets with built-in transforms run natively; others do not', () => {
    expect(nativeSource(makeDataset('mnist'))).not.toBeNull();
    expect(nativeSource(makeDataset('cifar'))).not.toBeNull();
    const lambda = new datasets.FashionMNIST(tmp, { transform: new T.Lambda((x: torch.Tensor) => x) });
    expect(nativeSource(lambda)).toBeNull();
    const withTarget = new datasets.FashionMNIST(tmp, { target_transform: (y: number) => y + 1 });
    expect(nativeSource(withTarget)).toBeNull();
    class OwnItems extends datasets.FashionMNIST {
      override getitem(i: number): [unknown, unknown] {
        return super.getitem(i);
      }
    }
    expect(nativeSource(new OwnItems(tmp))).toBeNull();
    // RandomErasing on a PIL image is torchvision's TypeError (raised in the worker, as before).
    const erasePil = new datasets.FashionMNIST(tmp, { transform: new T.RandomErasing() });
    expect(nativeSource(erasePil)).toBeNull();
    const expand = new datasets.FashionMNIST(tmp, { transform: new T.RandomRotation(10, { expand: true }) });
    expect(nativeSource(expand)).toBeNull();
  });

  test('random pipelines give Python’s num_workers=2 batches (PIL path, same seeds)', async () => {
    const want = pythonBatches(21);
    for (const name of Object.keys(PIPELINES) as PipelineName[]) {
      const ds = makeDataset(name);
      const got = await collect(new data.DataLoader<Pair, Batch>(ds, loaderOpts(21)));
      const x = torch.cat(got.map(([b]) => b));
      const y = torch.cat(got.map(([, b]) => b));
      expect([name, x.shape]).toEqual([name, want[name].shape]);
      expect(Array.from(y.toTypedArray() as BigInt64Array, Number)).toEqual(want[name].y);
      const raw = Buffer.from(x.contiguous().toTypedArray().buffer as ArrayBuffer);
      expect([name, raw.equals(want[name].x)]).toEqual([name, true]);
    }
  });

  test('the same batches as worker_threads, epoch after epoch, persistent or not', async () => {
    for (const persistent_workers of [false, true]) {
      const runs: Batch[][] = [];
      for (const mode of ['1', '0']) {
        process.env.TORCHTS_NATIVE_WORKERS = mode;
        const transform = new T.Compose([
          new T.RandomResizedCrop(24, { scale: [0.5, 1] }),
          new T.RandomVerticalFlip(0.3),
          new T.ColorJitter(0.4, 0.4, 0.4, 0.1),
          new T.Pad(2, 7, 'symmetric'),
          new T.CenterCrop(26),
          new T.RandomGrayscale(0.5),
          new T.ToTensor(),
          new T.RandomErasing(0.6, { value: 'random' }),
        ]);
        // Worker threads cannot load a test file's class: the built-in FashionMNIST.
        const ds = new datasets.FashionMNIST(tmp, { transform }) as unknown as data.Dataset<Pair>;
        const loader = new data.DataLoader<Pair, Batch>(ds, {
          ...loaderOpts(4),
          persistent_workers,
          prefetch_factor: 3,
        });
        const epochs = [...(await collect(loader)), ...(await collect(loader))];
        await loader.shutdown();
        runs.push(epochs);
      }
      delete process.env.TORCHTS_NATIVE_WORKERS;
      expect(runs[0]).toHaveLength(2 * Math.ceil(N_MNIST / 16));
      expectSameBatches(runs[0], runs[1]);
    }
  });

  test('FakeData is generated natively: the batches of worker_threads, 1 and 3 channels', async () => {
    const pipeline = () =>
      new T.Compose([
        new T.RandomCrop(32, { padding: 4 }),
        new T.RandomHorizontalFlip(),
        new T.ColorJitter(0.4, 0.4, 0.4),
        new T.RandomRotation(15),
        new T.ToTensor(),
      ]);
    for (const channels of [1, 3]) {
      const make = () =>
        new datasets.FakeData({
          size: 40,
          image_size: [channels, 32, 32],
          num_classes: 7,
          random_offset: 3,
          transform: pipeline(),
        }) as unknown as data.Dataset<Pair>;
      expect(nativeSource(make())).not.toBeNull();
      const runs: Batch[][] = [];
      for (const mode of ['1', '0']) {
        process.env.TORCHTS_NATIVE_WORKERS = mode;
        runs.push(await collect(new data.DataLoader<Pair, Batch>(make(), loaderOpts(9))));
      }
      delete process.env.TORCHTS_NATIVE_WORKERS;
      expect(runs[0][0][0].shape).toEqual([16, channels, 32, 32]);
      expectSameBatches(runs[0], runs[1]);
    }
    // Two channels (PIL's LA) have no PIL-like layout here: worker_threads.
    expect(nativeSource(new datasets.FakeData({ size: 4, image_size: [2, 8, 8] }))).toBeNull();
  });

  test('ImageFolder (JPEG/PNG of many sizes): decoded and transformed natively, Python’s batches', () => {
    const folder = path.join(tmp, 'folder');
    const made = spawnSync(
      findPython(),
      [
        '-c',
        `
import os, sys, numpy as np
from PIL import Image
rng = np.random.RandomState(1)
for c in ['cat', 'dog']:
    os.makedirs(os.path.join(sys.argv[1], c), exist_ok=True)
    for k in range(11):
        h, w = rng.randint(18, 41, 2)
        img = Image.fromarray(rng.randint(0, 256, (h, w, 3)).astype(np.uint8))
        if k % 3 == 0: img.convert('L').save(os.path.join(sys.argv[1], c, '%d.png' % k))
        else: img.save(os.path.join(sys.argv[1], c, '%d.jpg' % k), quality=85, subsampling=k % 3)
`,
        folder,
      ],
      { encoding: 'utf8' },
    );
    expect(made.stderr).toBe('');
    const norm = [
      [0.485, 0.456, 0.406],
      [0.229, 0.224, 0.225],
    ] as const;
    const train = new T.Compose([
      new T.RandomResizedCrop(16, { scale: [0.3, 1] }),
      new T.RandomHorizontalFlip(),
      new T.ColorJitter(0.3, 0.3, 0.3),
      new T.ToTensor(),
      new T.Normalize(norm[0], norm[1]),
    ]);
    const val = new T.Compose([
      new T.Resize(20),
      new T.CenterCrop(18),
      new T.ToTensor(),
      new T.Normalize(norm[0], norm[1]),
    ]);
    const got: string[] = [];
    for (const tf of [train, val]) {
      const ds = new datasets.ImageFolder(folder, { transform: tf }) as unknown as data.Dataset<Pair>;
      expect(nativeSource(ds)).not.toBeNull();
      const batches = [...new data.DataLoader<Pair, Batch>(ds, loaderOpts(13))];
      const x = torch.cat(batches.map(([b]) => b));
      const y = torch.cat(batches.map(([, b]) => b));
      got.push(JSON.stringify([x.shape, Array.from(y.toTypedArray() as BigInt64Array, Number)]));
      got.push(Buffer.from(x.contiguous().toTypedArray().buffer as ArrayBuffer).toString('base64'));
    }
    const py = spawnSync(
      findPython(),
      [
        '-c',
        `
import base64, json, sys, torch
import torchvision.transforms as T
from torchvision import datasets
norm = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
train = T.Compose([T.RandomResizedCrop(16, scale=(0.3, 1)), T.RandomHorizontalFlip(), T.ColorJitter(0.3, 0.3, 0.3),
                   T.ToTensor(), norm])
val = T.Compose([T.Resize(20), T.CenterCrop(18), T.ToTensor(), norm])
for tf in (train, val):
    g = torch.Generator(); g.manual_seed(13)
    ds = datasets.ImageFolder(sys.argv[1], transform=tf)
    xs, ys = zip(*torch.utils.data.DataLoader(ds, batch_size=16, shuffle=True, num_workers=2, generator=g))
    x = torch.cat(xs)
    print(json.dumps([list(x.shape), torch.cat(ys).tolist()]).replace(' ', ''))
    print(base64.b64encode(x.contiguous().numpy().tobytes()).decode())
`,
        folder,
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    expect(py.stderr).toBe('');
    expect(got).toEqual(py.stdout.trim().split('\n'));
  });

  test('ImageFolder: a broken file fails on its batch with Pillow’s exception type', () => {
    const folder = path.join(tmp, 'broken');
    fs.mkdirSync(path.join(folder, 'a'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'a', 'bad.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2]));
    const transform = new T.Compose([new T.Resize([8, 8]), new T.ToTensor()]);
    const ds = new datasets.ImageFolder(folder, { transform }) as unknown as data.Dataset<Pair>;
    expect(nativeSource(ds)).not.toBeNull();
    // Sizes that stay different from image to image cannot be batched: the TS path raises that.
    expect(nativeSource(new datasets.ImageFolder(folder, { transform: new T.ToTensor() }))).toBeNull();
    expect(() => [...new data.DataLoader<Pair, Batch>(ds, { num_workers: 1 })]).toThrow(
      /^Caught OSError in DataLoader worker 0\.\nOriginal OSError: .*bad\.jpg/,
    );
  });

  test('synchronous for...of, drop_last, break and a new epoch; the global RNG is untouched', () => {
    torch.manual_seed(3);
    const state = torch.get_rng_state();
    const loader = new data.DataLoader<Pair, Batch>(makeDataset('mnist'), { ...loaderOpts(8), drop_last: true });
    const sizes: number[] = [];
    for (const [x, y] of loader) sizes.push(x.shape[0], y.shape[0]);
    expect(sizes).toEqual(new Array(2 * Math.floor(N_MNIST / 16)).fill(16));
    let seen = 0;
    for (const [x] of loader) {
      expect(x.shape).toEqual([16, 1, 28, 28]);
      if (++seen === 2) break;
    }
    expect([...loader].length).toBe(Math.floor(N_MNIST / 16));
    expect(torch.equal(torch.get_rng_state(), state)).toBe(true);
  });

  test('no transform: uint8 images collated as num_workers 0 collates them', async () => {
    const ds = new datasets.FashionMNIST(tmp) as unknown as data.Dataset<Pair>;
    const opts = { batch_size: 32, sampler: [5, -1, 0, 89, 3, 44] };
    const got = [...new data.DataLoader<Pair, Batch>(ds, { ...opts, num_workers: 2 })];
    const want = [...new data.DataLoader<Pair, Batch>(ds, opts)];
    expectSameBatches(got, want);
    expect(got[0][0].dtype).toBe(torch.uint8);
  });

  test('a bad index fails on its own batch with PyTorch’s worker message', async () => {
    const ds = makeDataset('mnist');
    const loader = new data.DataLoader<Pair, Batch>(ds, { batch_sampler: [[0, 1], [2, 900], [3]], num_workers: 2 });
    const it = loader[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await expect(it.next()).rejects.toThrow(
      /^Caught IndexError in DataLoader worker 1\.\nOriginal IndexError: FashionMNIST index 900 is out of range$/,
    );
    const sync = new data.DataLoader<Pair, Batch>(ds, { batch_sampler: [[1.5]], num_workers: 2 });
    expect(() => [...sync]).toThrow(TypeError);
    expect(() => [...sync]).toThrow(
      /Caught TypeError in DataLoader worker 0\.\nOriginal TypeError: FashionMNIST indices/,
    );
  });

  test('what the threads do not run still loads through worker_threads', async () => {
    const ds = new datasets.FashionMNIST(tmp, {
      transform: new T.Compose([new T.RandomRotation(10, { expand: true }), new T.CenterCrop(28), new T.ToTensor()]),
    }) as unknown as data.Dataset<Pair>;
    const loader = new data.DataLoader<Pair, Batch>(ds, { batch_size: 45, num_workers: 2 });
    expect(nativeSource(ds)).toBeNull();
    const got = await collect(loader);
    expect([...loader].map(([x]) => x.shape)).toEqual(got.map(([x]) => x.shape));
    expect(got.map(([x]) => x.shape)).toEqual([
      [45, 1, 28, 28],
      [45, 1, 28, 28],
    ]);
  });
});
