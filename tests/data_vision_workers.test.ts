/**
 * torchvision datasets with transform pipelines through DataLoader worker threads: the same
 * batches as num_workers: 0 for deterministic transforms, Python's own num_workers=2 batches for
 * random ones (each worker draws from its generator seeded base_seed + worker_id, as PyTorch's
 * worker processes do), clear errors for what cannot cross to a worker. Workers run the compiled
 * package (dist/, `npm run setup` or `npx tsc`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import * as torch from '../lib';
import { Generator } from '../lib/generator';
import * as data from '../lib/utils/data';
import { datasets, transforms as T } from '../lib/vision';
import { findPython, PyResult, runPython } from './helpers/oracle';
import { bytes, idx } from './helpers/fixtures';

const root = path.resolve(__dirname, '..');
const distVision = path.join(root, 'dist', 'lib', 'vision', 'index.js');
const distData = path.join(root, 'dist', 'lib', 'utils', 'data', 'index.js');
type Batch = [torch.Tensor, torch.Tensor];
type Pair = [unknown, unknown];

let tmp: string;

function plainInts(r: PyResult): number[] {
  return (r as Extract<PyResult, { kind: 'tensor' }>).data.map(Number);
}

async function load(
  ds: data.Dataset<Pair>,
  opts: data.DataLoaderOptions<Pair, Batch>,
  num_workers: number,
): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of new data.DataLoader<Pair, Batch>(ds, { ...opts, num_workers })) out.push(b);
  return out;
}

function expectSameBatches(got: Batch[], want: Batch[]): void {
  expect(got.length).toBe(want.length);
  got.forEach(([x, y], i) => {
    expect([x.shape, x.dtype.name, y.dtype.name]).toEqual([
      want[i][0].shape,
      want[i][0].dtype.name,
      want[i][1].dtype.name,
    ]);
    expect(torch.equal(x, want[i][0])).toBe(true);
    expect(torch.equal(y, want[i][1])).toBe(true);
  });
}

// A CIFAR10 subclass of the user's own, in a module the workers can load: it names its module
// and sends its fields (state), as the built-in datasets do.
const CIFAR_FIXTURE = `
function defineTiny(CIFAR10, file) {
  return class TinyCIFAR extends CIFAR10 {
    static train_list = [['data_batch_1', null]];
    static test_list = [['test_batch', null]];
    static meta = { filename: 'batches.meta', key: 'label_names', md5: null };
    workerSpec() { return { module: file, exportName: 'TinyCIFAR', state: { ...this } }; }
  };
}
module.exports = {
  defineTiny,
  get TinyCIFAR() { return defineTiny(require(${JSON.stringify(distVision)}).datasets.CIFAR10, __filename); },
};
`;

// An IterableDataset that splits its range between workers with get_worker_info(), as the
// PyTorch docs show; defineRange builds it from the given torch.utils.data (lib/ here, dist/ in workers).
const RANGE_FIXTURE = `
function defineRange(data) {
  return class Range extends data.IterableDataset {
    constructor(n) { super(); this.n = n; }
    *[Symbol.iterator]() {
      const w = data.get_worker_info();
      const [id, k] = w ? [w.id, w.num_workers] : [0, 1];
      for (let i = id; i < this.n; i += k) yield i;
    }
    workerSpec() { return { module: __filename, exportName: 'Range', args: [this.n] }; }
  };
}
module.exports = { defineRange, get Range() { return defineRange(require(${JSON.stringify(distData)})); } };
`;
const PY_RANGE = `
from torch.utils.data import IterableDataset, get_worker_info
class Range(IterableDataset):
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        w = get_worker_info()
        i, k = (w.id, w.num_workers) if w else (0, 1)
        return iter(range(i, self.n, k))
def epochs(loader, n):
    return [b for _ in range(n) for b in loader]
`;

const CIFAR_WRITER = `
import os, pickle, sys
import numpy as np
d = os.path.join(sys.argv[1], 'cifar-10-batches-py')
os.makedirs(d, exist_ok=True)
rng = np.random.RandomState(0)
for name, n in [('data_batch_1', 40), ('test_batch', 8)]:
    with open(os.path.join(d, name), 'wb') as f:
        images = rng.randint(0, 256, (n, 3072)).astype(np.uint8)
        pickle.dump({'data': images, 'labels': rng.randint(0, 10, n).tolist()}, f)
with open(os.path.join(d, 'batches.meta'), 'wb') as f:
    pickle.dump({'label_names': ['c%d' % i for i in range(10)]}, f)
`;

const NORM = [
  [0.5, 0.5, 0.5],
  [0.25, 0.25, 0.25],
] as const;
const PY_PIPELINE =
  'T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize((0.5,)*3, (0.25,)*3)])';
const PY_LOADER =
  `DataLoader(FakeData(size=24, image_size=(3, 32, 32), num_classes=10, transform=${PY_PIPELINE}), batch_size=4, ` +
  'shuffle=True, num_workers=2, generator=torch.Generator().manual_seed(5))';
const PY_PERSISTENT =
  'DataLoader(torch.utils.data.TensorDataset(torch.arange(10)), batch_size=4, shuffle=True, num_workers=2, ' +
  'persistent_workers=True, generator=torch.Generator().manual_seed(8))';
let py: PyResult[];

beforeAll(() => {
  expect(fs.existsSync(path.join(root, 'dist', 'lib', 'utils', 'data', '_worker.js'))).toBe(true);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-vision-workers-'));
  // FashionMNIST-format test split: 200 images of 28×28.
  const raw = path.join(tmp, 'FashionMNIST', 'raw');
  fs.mkdirSync(raw, { recursive: true });
  fs.writeFileSync(path.join(raw, 't10k-images-idx3-ubyte'), idx(0x803, [200, 28, 28], bytes(200 * 28 * 28, 1)));
  fs.writeFileSync(
    path.join(raw, 't10k-labels-idx1-ubyte'),
    idx(
      0x801,
      [200],
      bytes(200, 2).map((b) => b % 10),
    ),
  );
  // An ImageFolder: two classes of small RGB PNGs.
  ['cat', 'dog'].forEach((cls, c) => {
    fs.mkdirSync(path.join(tmp, 'folder', cls), { recursive: true });
    for (let k = 0; k < 5; k++) {
      const png = new PNG({ width: 20, height: 18 });
      png.data = Buffer.from(bytes(20 * 18 * 4, 10 * c + k).map((b, i) => (i % 4 === 3 ? 255 : b)));
      fs.writeFileSync(path.join(tmp, 'folder', cls, `${k}.png`), PNG.sync.write(png));
    }
  });
  fs.writeFileSync(path.join(tmp, 'tiny_cifar.js'), CIFAR_FIXTURE);
  fs.writeFileSync(path.join(tmp, 'range.js'), RANGE_FIXTURE);
  const w = spawnSync(findPython(), ['-c', CIFAR_WRITER, path.join(tmp, 'cifar')], { encoding: 'utf8' });
  expect(w.stderr).toBe('');
  const prelude =
    'import torchvision.transforms as T\nfrom torchvision.datasets import FakeData\n' +
    'from torch.utils.data import DataLoader\n';
  py = runPython([
    { setup: prelude + `xs, ys = zip(*list(${PY_LOADER}))`, py: 'torch.stack(xs)' },
    { setup: prelude + `xs, ys = zip(*list(${PY_LOADER}))`, py: 'torch.stack(ys)' },
    { setup: prelude + `loader = ${PY_PERSISTENT}`, py: 'torch.cat([y for _ in range(2) for (y,) in loader])' },
    ...[false, true].map((drop) => ({
      setup: prelude + PY_RANGE,
      py: `list(DataLoader(Range(11), batch_size=2, num_workers=2, drop_last=${drop ? 'True' : 'False'}))`,
    })),
    {
      setup: prelude + PY_RANGE,
      py: 'epochs(DataLoader(Range(5), batch_size=2, num_workers=2, persistent_workers=True), 2)',
    },
  ]);
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('deterministic transforms: num_workers 2 gives the batches of num_workers 0', () => {
  test('FashionMNIST-format data, shuffled, partial last batch, persistent workers over two epochs', async () => {
    const tf = new T.Compose([new T.ToTensor(), new T.Normalize([0.286], [0.353]), new T.Pad(2)]);
    const ds = new datasets.FashionMNIST(tmp, { train: false, transform: tf });
    const opts = () => ({ batch_size: 32, shuffle: true, generator: new Generator().manual_seed(7) });
    const serial = await load(ds, opts(), 0);
    expect(serial.map(([x]) => x.shape[0])).toEqual([32, 32, 32, 32, 32, 32, 8]);
    expect(serial[0][0].shape).toEqual([32, 1, 32, 32]);
    expectSameBatches(await load(ds, opts(), 2), serial);

    // Persistent workers draw their base seed once (PyTorch's order for that is checked below).
    const loader = new data.DataLoader<Pair, Batch>(ds, { batch_size: 48, num_workers: 2, persistent_workers: true });
    const reference = new data.DataLoader<Pair, Batch>(ds, { batch_size: 48 });
    for (let epoch = 0; epoch < 2; epoch++) {
      const got: Batch[] = [];
      for await (const b of loader) got.push(b);
      expectSameBatches(got, [...reference]);
    }
    await loader.shutdown();
  });

  test('persistent workers draw the base seed once, so epoch 2 continues the generator as in Python', async () => {
    const loader = new data.DataLoader(new data.TensorDataset(torch.arange(10)), {
      batch_size: 4,
      shuffle: true,
      num_workers: 2,
      persistent_workers: true,
      generator: new Generator().manual_seed(8),
    });
    const ys: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      for await (const [y] of loader) ys.push(...Array.from(y.toTypedArray() as BigInt64Array, Number));
    }
    await loader.shutdown();
    expect(ys).toEqual((py[2] as Extract<PyResult, { kind: 'tensor' }>).data);
  });

  test('FakeData and an ImageFolder (default loader) in a ConcatDataset of Subsets', async () => {
    const tf = new T.Compose([new T.Resize(16), new T.CenterCrop(16), new T.ToTensor(), new T.Normalize(...NORM)]);
    const fake = new datasets.FakeData({ size: 30, image_size: [3, 20, 24], transform: tf });
    const folder = new datasets.ImageFolder(path.join(tmp, 'folder'), { transform: tf });
    const ds = new data.ConcatDataset<Pair>([new data.Subset(fake, [29, 3, 7, 11, 0]), folder]);
    const opts = { batch_size: 4, shuffle: true, generator: new Generator().manual_seed(1) };
    const serial = await load(ds, opts, 0);
    expect(serial.reduce((n, [x]) => n + x.shape[0], 0)).toBe(15);
    expectSameBatches(await load(ds, { ...opts, generator: new Generator().manual_seed(1) }, 2), serial);
  });

  test('a CIFAR10 subclass of your own sends its fields to the workers', async () => {
    const { defineTiny } = require(path.join(tmp, 'tiny_cifar.js')) as {
      defineTiny: (base: typeof datasets.CIFAR10, file: string) => typeof datasets.CIFAR10;
    };
    const Tiny = defineTiny(datasets.CIFAR10, path.join(tmp, 'tiny_cifar.js'));
    const ds = new Tiny(path.join(tmp, 'cifar'), {
      transform: new T.Compose([new T.ToTensor(), new T.Normalize(...NORM)]),
    });
    expect(ds.length).toBe(40);
    const opts = () => ({ batch_size: 6, shuffle: true, generator: new Generator().manual_seed(3) });
    expectSameBatches(await load(ds, opts(), 2), await load(ds, opts(), 0));
  });
});

describe('iterable datasets in workers', () => {
  test('each worker iterates its copy, split with get_worker_info(); drop_last; persistent epochs', async () => {
    const { defineRange } = require(path.join(tmp, 'range.js')) as {
      defineRange: (d: typeof data) => new (n: number) => data.IterableDataset<number>;
    };
    const Range = defineRange(data);
    const run = async (loader: data.DataLoader<number, torch.Tensor>, epochs: number) => {
      const out: number[][] = [];
      for (let e = 0; e < epochs; e++) {
        for await (const b of loader) out.push(Array.from(b.toTypedArray() as BigInt64Array, Number));
      }
      return out;
    };
    const want = (r: PyResult) => (r as Extract<PyResult, { kind: 'list' }>).items.map(plainInts);
    for (const [k, drop_last] of [false, true].entries()) {
      const got = await run(new data.DataLoader(new Range(11), { batch_size: 2, num_workers: 2, drop_last }), 1);
      expect(got).toEqual(want(py[3 + k]));
    }
    const persistent = new data.DataLoader(new Range(5), { batch_size: 2, num_workers: 2, persistent_workers: true });
    expect(await run(persistent, 2)).toEqual(want(py[5]));
    await persistent.shutdown();
  });
});

describe('random transforms in workers', () => {
  const randomTf = () =>
    new T.Compose([
      new T.RandomCrop(32, { padding: 4 }),
      new T.RandomHorizontalFlip(),
      new T.ToTensor(),
      new T.Normalize(...NORM),
    ]);

  test('FakeData with RandomCrop + RandomHorizontalFlip: Python’s num_workers=2 batches', async () => {
    const ds = new datasets.FakeData({ size: 24, image_size: [3, 32, 32], num_classes: 10, transform: randomTf() });
    const got = await load(ds, { batch_size: 4, shuffle: true, generator: new Generator().manual_seed(5) }, 2);
    const [wx, wy] = py as Extract<PyResult, { kind: 'tensor' }>[];
    const x = torch.stack(got.map(([b]) => b));
    const y = torch.stack(got.map(([, b]) => b));
    expect([x.shape, x.dtype.name, y.shape, y.dtype.name]).toEqual([wx.shape, wx.dtype, wy.shape, wy.dtype]);
    expect(Array.from(y.toTypedArray() as BigInt64Array, Number)).toEqual(wy.data);
    const flat = x.toTypedArray() as Float32Array;
    const maxDiff = wx.data.reduce((m: number, v, i) => Math.max(m, Math.abs(flat[i] - Number(v))), 0);
    expect(maxDiff).toBeLessThan(1e-5);
  });

  test('a heavy pipeline: same shapes and dtypes as num_workers 0, reproducible, global RNG untouched', async () => {
    const heavy = new T.Compose([
      new T.RandomResizedCrop(28, { scale: [0.5, 1] }),
      new T.RandomHorizontalFlip(),
      new T.ColorJitter(0.4, 0.4, 0.4, 0.1),
      new T.RandomRotation(15),
      new T.ToTensor(),
      new T.Normalize(...NORM),
      new T.RandomErasing(0.5, { value: 'random' }),
    ]);
    const ds = new datasets.FakeData({ size: 20, image_size: [3, 32, 32], transform: heavy });
    const opts = () => ({ batch_size: 8, shuffle: true, generator: new Generator().manual_seed(11) });
    torch.manual_seed(0);
    const state = torch.get_rng_state();
    const a = await load(ds, opts(), 2);
    // The workers drew from their own generators, not this thread's global one.
    expect(torch.equal(torch.get_rng_state(), state)).toBe(true);
    const b = await load(ds, opts(), 2);
    expectSameBatches(b, a);
    const serial = await load(ds, opts(), 0);
    expect(serial.map(([x, y]) => [x.shape, x.dtype.name, y.shape, y.dtype.name])).toEqual(
      a.map(([x, y]) => [x.shape, x.dtype.name, y.shape, y.dtype.name]),
    );
    expect(a[0][0].shape).toEqual([8, 3, 28, 28]);
    expect(torch.equal(serial[0][0], a[0][0])).toBe(false); // other generators, other draws
  });
});

describe('what cannot cross to a worker fails clearly', () => {
  const fake = (transform: ((x: torch.Tensor) => unknown) | null) =>
    new datasets.FakeData({ size: 4, image_size: [3, 8, 8], transform });

  test('Lambda, closures, transforms and datasets of your own without a workerSpec', async () => {
    const withLambda = fake(new T.Compose([new T.ToTensor(), new T.Lambda((x) => x.mul(2))]));
    expect(() => new data.DataLoader(withLambda, { num_workers: 2 })).toThrow(
      /transforms\.Lambda cannot be used with DataLoader num_workers > 0[\s\S]*\(at dataset\.transform/,
    );
    // The same dataset loads without workers.
    expect([...new data.DataLoader(withLambda, { batch_size: 2 })]).toHaveLength(2);

    const myTransform = (x: torch.Tensor) => x;
    expect(() => new data.DataLoader(fake(myTransform), { num_workers: 2 })).toThrow(
      /the function myTransform has no workerSpec\(\)/,
    );

    class Doubler extends T.Transform {
      override forward(x: torch.Tensor): torch.Tensor {
        return x.mul(2);
      }
    }
    class Flip extends T.RandomHorizontalFlip {}
    expect(
      () => new data.DataLoader(fake(new T.Compose([new T.ToTensor(), new Doubler()])), { num_workers: 1 }),
    ).toThrow(/Doubler has no workerSpec\(\)/);
    expect(() => new data.DataLoader(fake(new Flip()), { num_workers: 1 })).toThrow(/Flip has no workerSpec\(\)/);

    // Items of its own (a subclass that changes nothing loads on native threads, no spec needed).
    class MyFake extends datasets.FakeData {
      protected override rawItem(index: number): [torch.Tensor, number] {
        return super.rawItem(index);
      }
    }
    expect(() => new data.DataLoader(new MyFake({ size: 2 }), { num_workers: 1 })).toThrow(
      /MyFake has no workerSpec\(\)[\s\S]*exportName: 'MyFake', state/,
    );
    const custom = new datasets.ImageFolder(path.join(tmp, 'folder'), {
      loader: function myLoader(p: string) {
        return p;
      },
    });
    expect(() => new data.DataLoader(custom, { num_workers: 1 })).toThrow(
      /the function myLoader has no workerSpec\(\) \(at dataset\.loader\)/,
    );
  });
});
