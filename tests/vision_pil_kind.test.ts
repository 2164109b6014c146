/**
 * What an image IS decides its kind, not its shape (lib/vision/transforms/_image.ts): PIL images
 * whose height is 1, 3 or 4 pixels (1×8×3, 3×5×3, 3×3×3, 4×4×4 RGBA), which the shape rule takes
 * as C×H×W, go through torchvision's PIL path when marked, byte for byte against torchvision +
 * Pillow; marks survive every PIL-in/PIL-out op and Compose; the datasets mark their images;
 * ToPILImage / F.to_pil_image against torchvision's, values and errors; unmarked tensors keep the
 * shape rule.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import * as torch from '../lib';
import { Tensor } from '../lib';
import * as data from '../lib/utils/data';
import { CIFAR10, FakeData, FashionMNIST, ImageFolder } from '../lib/vision/datasets';
import * as transforms from '../lib/vision/transforms';
import { isMarkedPil } from '../lib/vision/transforms/_image';
import { expectMatches, findPython, OracleCase, PyResult, runPython } from './helpers/oracle';
import { PIL_SETUP } from './helpers/pil_setup';

const F = transforms.functional;
const T = transforms;

const SETUP = PIL_SETUP;
const EXACT = { atol: 0, rtol: 0 };

torch.manual_seed(2024);
const u8 = { dtype: torch.uint8 };
// The pixels (unmarked uint8 H×W×C tensors); Python makes PIL images of them with Image.fromarray.
const raw: Record<string, Tensor> = {
  rgb353: torch.randint(0, 256, [3, 5, 3], u8),
  rgb183: torch.randint(0, 256, [1, 8, 3], u8),
  rgb333: torch.randint(0, 256, [3, 3, 3], u8),
  rgba444: torch.randint(0, 256, [4, 4, 4], u8),
  rgb4x6: torch.randint(0, 256, [4, 6, 3], u8),
};
/** The same images as PIL images: marked, via the ndarray branch or the C×H×W tensor branch. */
const pilOf = (k: string): Tensor =>
  k === 'rgb333' || k === 'rgba444'
    ? F.to_pil_image(raw[k].permute(2, 0, 1))
    : F.to_pil_image({ data: raw[k].contiguous().numpy(), shape: raw[k].shape });
const imgs = Object.fromEntries(Object.keys(raw).map((k) => [k, pilOf(k)]));

interface Case {
  name: string;
  ts: () => unknown;
  py: string;
  /** The result is a PIL image: it must carry the mark. */
  pilOut: boolean;
}
const cases: Case[] = [];
function add(name: string, ts: () => unknown, py: string, pilOut = true): void {
  cases.push({ name, ts, py, pilOut });
}
function seeded<R>(seed: number, fn: () => R): R {
  torch.manual_seed(seed);
  return fn();
}

// Every image through the PIL-path ops: the bytes of np.array(result) (tensors for ToTensor).
for (const k of Object.keys(raw)) {
  const img = imgs[k];
  const p = `pil(${k})`;
  add(`${k} ToTensor`, () => new T.ToTensor()(img), `T.ToTensor()(${p})`, false);
  add(`${k} PILToTensor`, () => new T.PILToTensor()(img), `T.PILToTensor()(${p})`, false);
  add(`${k} get_image_size`, () => F.get_image_size(img), `TF.get_image_size(${p})`, false);
  add(`${k} get_dimensions`, () => F.get_dimensions(img), `TF.get_dimensions(${p})`, false);
  add(`${k} RandomHorizontalFlip(1)`, () => new T.RandomHorizontalFlip(1)(img), `arr(T.RandomHorizontalFlip(1)(${p}))`);
  add(`${k} RandomVerticalFlip(1)`, () => new T.RandomVerticalFlip(1)(img), `arr(T.RandomVerticalFlip(1)(${p}))`);
  add(`${k} Pad(2)`, () => new T.Pad(2)(img), `arr(T.Pad(2)(${p}))`);
  add(`${k} Pad([1, 2], 7)`, () => new T.Pad([1, 2], 7)(img), `arr(T.Pad([1, 2], 7)(${p}))`);
  add(`${k} Pad edge`, () => new T.Pad([2, 1, 0, 3], 0, 'edge')(img), `arr(T.Pad([2, 1, 0, 3], 0, 'edge')(${p}))`);
  add(`${k} Pad symmetric`, () => new T.Pad(1, 0, 'symmetric')(img), `arr(T.Pad(1, 0, 'symmetric')(${p}))`);
  add(`${k} CenterCrop(2)`, () => new T.CenterCrop([1, 2])(img), `arr(T.CenterCrop([1, 2])(${p}))`);
  add(`${k} CenterCrop larger`, () => new T.CenterCrop([5, 7])(img), `arr(T.CenterCrop([5, 7])(${p}))`);
  add(`${k} crop outside`, () => F.crop(img, -1, 1, 3, 4), `arr(TF.crop(${p}, -1, 1, 3, 4))`);
  add(`${k} Resize([6, 4])`, () => new T.Resize([6, 4])(img), `arr(T.Resize([6, 4])(${p}))`);
  add(`${k} Resize(7) nearest`, () => new T.Resize(7, 'nearest')(img), `arr(T.Resize(7, IM.NEAREST)(${p}))`);
  add(`${k} Resize bicubic`, () => F.resize(img, [5, 9], 'bicubic'), `arr(TF.resize(${p}, [5, 9], IM.BICUBIC))`);
  add(`${k} brightness`, () => F.adjust_brightness(img, 1.5), `arr(TF.adjust_brightness(${p}, 1.5))`);
  add(`${k} contrast`, () => F.adjust_contrast(img, 0.7), `arr(TF.adjust_contrast(${p}, 0.7))`);
  add(`${k} saturation`, () => F.adjust_saturation(img, 1.3), `arr(TF.adjust_saturation(${p}, 1.3))`);
  add(`${k} hue`, () => F.adjust_hue(img, 0.2), `arr(TF.adjust_hue(${p}, 0.2))`);
  add(`${k} Grayscale(1)`, () => new T.Grayscale(1)(img), `arr(T.Grayscale(1)(${p}))`);
  add(`${k} Grayscale(3)`, () => new T.Grayscale(3)(img), `arr(T.Grayscale(3)(${p}))`);
  add(`${k} rotate 30`, () => F.rotate(img, 30), `arr(TF.rotate(${p}, 30))`);
  add(`${k} rotate expand`, () => F.rotate(img, 45, 'bilinear', true), `arr(TF.rotate(${p}, 45, IM.BILINEAR, True))`);
  add(
    `${k} RandomCrop padding`,
    () => seeded(3, () => new T.RandomCrop([2, 3], { padding: 2 })(img)),
    `arr(seeded(3, lambda: T.RandomCrop([2, 3], padding=2)(${p})))`,
  );
  add(
    `${k} RandomResizedCrop`,
    () => seeded(4, () => new T.RandomResizedCrop(4)(img)),
    `arr(seeded(4, lambda: T.RandomResizedCrop(4)(${p})))`,
  );
  add(
    `${k} RandomRotation`,
    () => seeded(5, () => new T.RandomRotation(40)(img)),
    `arr(seeded(5, lambda: T.RandomRotation(40)(${p})))`,
  );
  // Each PIL-in/PIL-out op must hand the next one a PIL image: no ToTensor at the end.
  const chain = (): transforms.Compose =>
    new T.Compose([
      new T.Pad(1),
      new T.RandomResizedCrop([4, 5], { scale: [0.5, 1] }),
      new T.RandomHorizontalFlip(),
      new T.ColorJitter(0.4, 0.4, 0.4, 0.1),
      new T.Grayscale(3),
      new T.CenterCrop([3, 4]),
    ]);
  const pyChain =
    'T.Compose([T.Pad(1), T.RandomResizedCrop([4, 5], scale=(0.5, 1)), T.RandomHorizontalFlip(), ' +
    'T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.Grayscale(3), T.CenterCrop([3, 4])])';
  for (const seed of [0, 1]) {
    add(
      `${k} Compose chain ${seed}`,
      () => seeded(seed, () => chain()(img)),
      `arr(seeded(${seed}, lambda: ${pyChain}(${p})))`,
    );
    add(
      `${k} Compose chain + ToTensor ${seed}`,
      () => seeded(seed, () => new T.Compose([chain(), new T.ToTensor()])(img)),
      `seeded(${seed}, lambda: T.Compose([${pyChain}, T.ToTensor()])(${p}))`,
      false,
    );
  }
}

// ToPILImage / to_pil_image: C×H×W tensors (uint8, float), 2-D, ndarrays; np.array(result).
const chw = {
  u8chw3: torch.randint(0, 256, [3, 4, 5], u8),
  u8chw1: torch.randint(0, 256, [1, 3, 4], u8),
  u8chw4: torch.randint(0, 256, [4, 2, 3], u8),
  u8hw: torch.randint(0, 256, [3, 6], u8),
  // Values whose * 255 lands on and around integers, beyond [0, 1] too (byte() truncates and wraps).
  f32chw3: torch
    .tensor([0, 1, 0.5, 0.999, 1 / 255, 2 / 255, 0.3, 0.7, 0.2, 0.9, 0.1, 0.6], { dtype: torch.float32 })
    .view(3, 2, 2),
  f64hw: torch.rand([4, 3], { dtype: torch.float64 }),
  f32chw1: torch.rand([1, 2, 5]),
  i64chw3: torch.zeros([3, 2, 2], { dtype: torch.int64 }),
  u8chw5: torch.zeros([5, 2, 2], u8),
  u8chw2: torch.zeros([2, 2, 2], u8),
  u8hwc: torch.randint(0, 256, [2, 5, 4], u8),
};
const ndarray = (t: Tensor): transforms.functional.NdArrayLike => ({ data: t.contiguous().numpy(), shape: t.shape });
for (const k of ['u8chw3', 'u8chw1', 'u8chw4', 'u8hw', 'f32chw3', 'f64hw']) {
  const x = chw[k as keyof typeof chw];
  add(`to_pil_image ${k}`, () => F.to_pil_image(x), `arr(TF.to_pil_image(${k}))`);
  add(`ToPILImage ${k}`, () => new T.ToPILImage()(x), `arr(T.ToPILImage()(${k}))`);
}
add('to_pil_image RGB mode', () => F.to_pil_image(chw.u8chw3, 'RGB'), `arr(TF.to_pil_image(u8chw3, 'RGB'))`);
add('to_pil_image L mode', () => F.to_pil_image(chw.f32chw1.mul(0.5), 'L'), `arr(TF.to_pil_image(f32chw1 * 0.5, 'L'))`);
add('to_pil_image ndarray HWC', () => F.to_pil_image(ndarray(chw.u8hwc)), 'arr(TF.to_pil_image(u8hwc.numpy()))');
add('to_pil_image ndarray HW', () => F.to_pil_image(ndarray(chw.u8hw)), 'arr(TF.to_pil_image(u8hw.numpy()))');
add(
  'ToPILImage then Resize',
  () => new T.Resize([5, 5])(new T.ToPILImage()(chw.u8chw3)),
  'arr(T.Resize([5, 5])(T.ToPILImage()(u8chw3)))',
);

/** The inputs every Python case sees. */
const inputs: Record<string, Tensor> = { ...raw, ...chw };

let results: PyResult[];
beforeAll(() => {
  const oracle: OracleCase[] = cases.map((c) => ({ py: c.py, inputs, setup: SETUP }));
  results = runPython(oracle);
});

describe('marked PIL images of 1, 3 or 4 pixels high vs torchvision + Pillow, byte for byte', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const out = cases[i].ts();
    expectMatches(out, results[i], EXACT, name);
    if (cases[i].pilOut) expect(isMarkedPil(out as Tensor)).toBe(true);
  });
});

// ---- to_pil_image's errors are torchvision's
const errorCases: [string, () => unknown, string][] = [
  ['5 channels', () => F.to_pil_image(chw.u8chw5), 'TF.to_pil_image(u8chw5)'],
  [
    '4-D',
    () => F.to_pil_image(torch.zeros([1, 1, 2, 2], u8)),
    'TF.to_pil_image(torch.zeros(1, 1, 2, 2, dtype=torch.uint8))',
  ],
  ['int64', () => F.to_pil_image(chw.i64chw3), 'TF.to_pil_image(i64chw3)'],
  ['wrong 1-channel mode', () => F.to_pil_image(chw.u8chw1, 'RGB'), "TF.to_pil_image(u8chw1, 'RGB')"],
  ['wrong 3-channel mode', () => F.to_pil_image(chw.u8chw3, 'L'), "TF.to_pil_image(u8chw3, 'L')"],
  ['wrong 4-channel mode', () => F.to_pil_image(chw.u8chw4, 'RGB'), "TF.to_pil_image(u8chw4, 'RGB')"],
  ['wrong 2-channel mode', () => F.to_pil_image(chw.u8chw2, 'RGB'), "TF.to_pil_image(u8chw2, 'RGB')"],
  [
    'ndarray 5 channels',
    () => F.to_pil_image(ndarray(torch.zeros([2, 2, 5], u8))),
    'TF.to_pil_image(np.zeros((2, 2, 5), np.uint8))',
  ],
  [
    'ndarray float',
    () => F.to_pil_image(ndarray(torch.zeros([2, 2, 3]))),
    'TF.to_pil_image(np.zeros((2, 2, 3), np.float32))',
  ],
];

describe('to_pil_image errors', () => {
  let py: PyResult[];
  beforeAll(() => {
    py = runPython(errorCases.map(([, , p]) => ({ py: p, inputs: chw, setup: SETUP })));
  });
  test.each(errorCases.map(([n], i) => [n, i] as const))('%s', (_name, i) => {
    const want = py[i];
    if (want.kind !== 'error') throw new Error('Python did not raise');
    let got: unknown = null;
    try {
      errorCases[i][1]();
    } catch (e) {
      got = e;
    }
    expect(got).toBeInstanceOf(Error);
    expect((got as Error).message).toBe(want.message);
    if (want.type === 'TypeError') expect(got).toBeInstanceOf(TypeError);
    else expect((got as torch.TorchError).python_type).toBe(want.type);
  });
  test("modes torchts' images cannot hold are clear errors", () => {
    expect(() => F.to_pil_image(chw.u8chw2)).toThrow(/mode LA on uint8 data is not supported/);
    expect(() => F.to_pil_image(chw.f32chw1, 'F')).toThrow(/mode F on float32 data is not supported/);
    expect(() => F.to_pil_image(chw.u8chw4, 'CMYK')).toThrow(torch.TorchError);
    expect(() => F.to_pil_image([1, 2] as unknown as Tensor)).toThrow(TypeError);
  });
});

describe('marks', () => {
  test('unmarked tensors keep the shape rule: a 3×5×3 uint8 tensor is C×H×W', () => {
    const t = raw.rgb353;
    expect(F.is_pil_like(t)).toBe(false);
    expect(F.get_image_size(t)).toEqual([3, 5]);
    expect(F.hflip(t).equal(t.flip(-1))).toBe(true);
    expect(isMarkedPil(F.hflip(t))).toBe(false);
    expect(F.is_pil_like(imgs.rgb353)).toBe(true);
  });
  test('a PIL image by shape becomes a marked one through an op', () => {
    const t = torch.randint(0, 256, [9, 12, 3], u8);
    expect(isMarkedPil(t)).toBe(false);
    const small = F.resize(t, [3, 5]);
    expect(isMarkedPil(small)).toBe(true);
    expect(F.get_image_size(small)).toEqual([5, 3]);
  });
  test('views and copies are new objects, unmarked; in-place reshapes drop the kind', () => {
    const img = F.to_pil_image(torch.zeros([3, 3, 5], u8));
    expect(isMarkedPil(img.clone())).toBe(false);
    expect(isMarkedPil(img)).toBe(true);
    img.unsqueeze_(0);
    expect(isMarkedPil(img)).toBe(false);
    expect(F.is_pil_like(img)).toBe(false);
  });
  test('RandomErasing still refuses PIL images', () => {
    expect(() => new T.RandomErasing(1)(imgs.rgb353)).toThrow(/img should be Tensor Image/);
  });
  test('ToPILImage records its mode for DataLoader workers', () => {
    expect(new T.ToPILImage('RGB').workerSpec()).toEqual({
      module: 'torchts:vision/transforms',
      exportName: 'ToPILImage',
      args: ['RGB'],
    });
  });
});

// ---- datasets hand out marked images
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pil-kind-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function pythonJson(code: string, arg: string): unknown {
  const r = spawnSync(findPython(), ['-c', code, arg], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('datasets mark their images', () => {
  test('ImageFolder: a 3-pixel-high PNG through flips, pads and crops equals torchvision', () => {
    const px = raw.rgb353;
    const png = new PNG({ width: 5, height: 3 });
    const rgb = px.contiguous().numpy() as Uint8Array;
    for (let i = 0; i < 15; i++) {
      png.data.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
    }
    fs.mkdirSync(path.join(tmp, 'folder', 'a'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'folder', 'a', 'x.png'), PNG.sync.write(png));
    const tf = new T.Compose([new T.RandomHorizontalFlip(1), new T.Pad([1, 0]), new T.CenterCrop([3, 6])]);
    const ds = new ImageFolder(path.join(tmp, 'folder'), { transform: tf });
    const [img] = ds.getitem(0) as [Tensor, number];
    expect(isMarkedPil(img)).toBe(true);
    expect(isMarkedPil(new ImageFolder(path.join(tmp, 'folder')).getitem(0)[0] as Tensor)).toBe(true);
    const want = pythonJson(
      `
import sys, json, numpy as np
import torchvision.datasets as D, torchvision.transforms as T
tf = T.Compose([T.RandomHorizontalFlip(1), T.Pad([1, 0]), T.CenterCrop([3, 6])])
print(json.dumps(np.array(D.ImageFolder(sys.argv[1], transform=tf)[0][0]).tolist()))`,
      path.join(tmp, 'folder'),
    );
    expect(img.tolist()).toEqual(want);
  });

  test('FakeData (3×5 images) equals torchvision; DataLoader workers see PIL images too', async () => {
    const mk = (): transforms.Compose =>
      new T.Compose([new T.RandomHorizontalFlip(1), new T.Pad(1), new T.CenterCrop([3, 4]), new T.PILToTensor()]);
    const ds = new FakeData({ size: 4, image_size: [3, 3, 5], transform: mk() });
    expect(isMarkedPil(new FakeData({ size: 1, image_size: [3, 3, 5] }).getitem(0)[0] as Tensor)).toBe(true);
    const want = pythonJson(
      `
import sys, json, torch
import torchvision.datasets as D, torchvision.transforms as T
tf = T.Compose([T.RandomHorizontalFlip(1), T.Pad(1), T.CenterCrop([3, 4]), T.PILToTensor()])
ds = D.FakeData(size=4, image_size=(3, 3, 5), transform=tf)
print(json.dumps(torch.stack([ds[i][0] for i in range(4)]).tolist()))`,
      '',
    );
    const local = torch.stack([0, 1, 2, 3].map((i) => ds.getitem(i)[0] as Tensor));
    expect(local.tolist()).toEqual(want);
    const batches: Tensor[] = [];
    for await (const b of new data.DataLoader(ds, { batch_size: 2, num_workers: 2 })) {
      batches.push((b as [Tensor, Tensor])[0]);
    }
    expect(torch.cat(batches).tolist()).toEqual(want);
  });

  test('FashionMNIST (the real files) items are marked', () => {
    const ds = new FashionMNIST(path.join(tmp, 'fashion-empty'), { train: false });
    const [img] = ds.getitem(7) as [Tensor, number];
    expect(img.shape).toEqual([28, 28]);
    expect(isMarkedPil(img)).toBe(true);
  });

  test('CIFAR10 items are marked', () => {
    const dir = path.join(tmp, 'cifar');
    pythonJson(
      `
import sys, os, pickle, json, numpy as np
d = os.path.join(sys.argv[1], 'cifar-10-batches-py'); os.makedirs(d)
rng = np.random.RandomState(0)
for n in ['data_batch_%d' % i for i in range(1, 6)] + ['test_batch']:
    with open(os.path.join(d, n), 'wb') as f:
        pickle.dump({'data': rng.randint(0, 256, (2, 3072)).astype(np.uint8), 'labels': [1, 2]}, f)
with open(os.path.join(d, 'batches.meta'), 'wb') as f:
    pickle.dump({'label_names': ['c%d' % i for i in range(10)]}, f)
print('null')`,
      dir,
    );
    const md5 = (f: string): string =>
      crypto
        .createHash('md5')
        .update(fs.readFileSync(path.join(dir, 'cifar-10-batches-py', f)))
        .digest('hex');
    const withMd5 = (l: [string, string | null][]): [string, string][] => l.map(([f]) => [f, md5(f)]);
    const C = class extends CIFAR10 {
      static train_list = withMd5(CIFAR10.train_list);
      static test_list = withMd5(CIFAR10.test_list);
      static meta = { ...CIFAR10.meta, md5: md5(CIFAR10.meta.filename) };
    };
    const [img] = new C(dir).getitem(3) as [Tensor, number];
    expect(img.shape).toEqual([32, 32, 3]);
    expect(isMarkedPil(img)).toBe(true);
  });
});
