/**
 * torchts/vision transforms against torchvision 0.14 (one Python process for the whole file):
 * tensor images against torchvision's tensor path, PIL-like HWC uint8 images against its PIL path,
 * random transforms under the same torch.manual_seed.
 */
import * as torch from '../lib';
import { Tensor } from '../lib';
import * as transforms from '../lib/vision/transforms';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';

const F = transforms.functional;
const T = transforms;

const SETUP = `
import numpy as np
from PIL import Image
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode as IM
def pil(t): return Image.fromarray(t.numpy())
def arr(p): return torch.from_numpy(np.array(p))
def seeded(s, fn):
    torch.manual_seed(s)
    return fn()
`;

interface Case {
  name: string;
  ts: () => unknown;
  py: string;
  inputs: Record<string, Tensor>;
  tol?: { atol?: number; rtol?: number };
}

const EXACT = { atol: 0, rtol: 0 };

torch.manual_seed(1234);
const hwc = torch.randint(0, 256, [9, 12, 3], { dtype: torch.uint8 }); // PIL-like RGB image
const gray2d = torch.randint(0, 256, [7, 5], { dtype: torch.uint8 }); // PIL-like L image
const chw8 = torch.randint(0, 256, [3, 11, 13], { dtype: torch.uint8 });
const chwf = torch.rand(3, 11, 13);
const big = torch.randint(0, 256, [40, 36, 3], { dtype: torch.uint8 });
const batch = torch.rand(2, 3, 10, 12);
const cifar = Array.from({ length: 4 }, () => torch.randint(0, 256, [32, 32, 3], { dtype: torch.uint8 }));

const cases: Case[] = [];
function add(
  name: string,
  ts: () => unknown,
  py: string,
  tol: Case['tol'] = EXACT,
  inputs: Record<string, Tensor> = {},
): void {
  cases.push({ name, ts, py, tol, inputs: { hwc, gray2d, chw8, chwf, big, batch, ...inputs } });
}

// ---- conversions
add('ToTensor HWC', () => new T.ToTensor()(hwc), 'T.ToTensor()(hwc.numpy())');
add('ToTensor 2-D', () => new T.ToTensor()(gray2d), 'T.ToTensor()(gray2d.numpy())');
add('ToTensor PIL', () => F.to_tensor(hwc), 'TF.to_tensor(pil(hwc))');
add('PILToTensor', () => new T.PILToTensor()(hwc), 'T.PILToTensor()(pil(hwc))');
add('PILToTensor L', () => new T.PILToTensor()(gray2d), 'T.PILToTensor()(pil(gray2d))');
add(
  'ConvertImageDtype u8->f',
  () => new T.ConvertImageDtype(torch.float32)(chw8),
  'T.ConvertImageDtype(torch.float32)(chw8)',
);
add(
  'ConvertImageDtype f->u8',
  () => new T.ConvertImageDtype(torch.uint8)(chwf),
  'T.ConvertImageDtype(torch.uint8)(chwf)',
);
add(
  'ConvertImageDtype u8->i32',
  () => F.convert_image_dtype(chw8, torch.int32),
  'TF.convert_image_dtype(chw8, torch.int32)',
);
const MEAN = [0.4914, 0.4822, 0.4465];
const STD = [0.247, 0.2435, 0.2616];
add(
  'Normalize',
  () => new T.Normalize(MEAN, STD)(chwf),
  `T.Normalize(${JSON.stringify(MEAN)}, ${JSON.stringify(STD)})(chwf)`,
);
add(
  'Normalize batch',
  () => F.normalize(batch, MEAN, STD),
  `TF.normalize(batch, ${JSON.stringify(MEAN)}, ${JSON.stringify(STD)})`,
);
// Fast paths (one copy_ for ToTensor, cached mean/std for Normalize): strides and dtypes as torchvision's.
const withStride = (y: Tensor): unknown[] => [y, y.stride()];
add(
  'ToTensor 2-D transposed',
  () => withStride(new T.ToTensor()(gray2d.t())),
  '(lambda y: [y, list(y.stride())])(T.ToTensor()(gray2d.t().numpy()))',
);
add(
  'ToTensor HWC transposed',
  () => withStride(new T.ToTensor()(hwc.transpose(0, 1))),
  '(lambda y: [y, list(y.stride())])(T.ToTensor()(hwc.transpose(0, 1).numpy()))',
);
add(
  'ToTensor int32 HWC',
  () => withStride(new T.ToTensor()(hwc.to(torch.int32))),
  '(lambda y: [y, list(y.stride())])(T.ToTensor()(hwc.int().numpy()))',
);
add(
  'Normalize float64',
  () => new T.Normalize(MEAN, STD)(chwf.double()),
  `T.Normalize(${JSON.stringify(MEAN)}, ${JSON.stringify(STD)})(chwf.double())`,
);
add(
  'Normalize 1 channel',
  () => F.normalize(gray2d.unsqueeze(0).float(), [0.5], [0.25]),
  'TF.normalize(gray2d.unsqueeze(0).float(), [0.5], [0.25])',
);

// ---- crops, flips, pads (exact for both kinds)
for (const size of [
  [5, 7],
  [11, 13],
  [14, 16],
  [4, 4],
]) {
  add(`CenterCrop ${size} tensor`, () => new T.CenterCrop(size)(chwf), `T.CenterCrop(${JSON.stringify(size)})(chwf)`);
  add(
    `CenterCrop ${size} PIL`,
    () => new T.CenterCrop(size)(hwc),
    `arr(T.CenterCrop(${JSON.stringify(size)})(pil(hwc)))`,
  );
}
add('crop out of bounds', () => F.crop(chw8, -2, 3, 8, 14), 'TF.crop(chw8, -2, 3, 8, 14)');
add('hflip PIL', () => F.hflip(hwc), 'arr(TF.hflip(pil(hwc)))');
add('vflip tensor', () => F.vflip(chwf), 'TF.vflip(chwf)');
for (const mode of ['constant', 'edge', 'reflect', 'symmetric'] as const) {
  for (const padding of [2, [1, 3], [1, 2, 3, 4]]) {
    const p = JSON.stringify(padding);
    add(`Pad ${mode} ${p} f`, () => new T.Pad(padding, 0.5, mode)(chwf), `T.Pad(${p}, 0.5, '${mode}')(chwf)`);
    add(`Pad ${mode} ${p} u8`, () => new T.Pad(padding, 7, mode)(chw8), `T.Pad(${p}, 7, '${mode}')(chw8)`);
    add(`Pad ${mode} ${p} PIL`, () => new T.Pad(padding, 7, mode)(hwc), `arr(T.Pad(${p}, 7, '${mode}')(pil(hwc)))`);
  }
}
add(
  'Pad symmetric negative',
  () => F.pad(chwf, [-1, 2, 3, -2], 0, 'symmetric'),
  "TF.pad(chwf, [-1, 2, 3, -2], 0, 'symmetric')",
);

// ---- resize: tensors exactly (float ≤ 1e-5), PIL-like CPU images byte for byte with Pillow
for (const [size, mode, aa] of [
  [[6, 7], 'bilinear', false],
  [[6, 7], 'bilinear', true],
  [[20, 25], 'bilinear', true],
  [[6, 7], 'nearest', false],
  [[6, 7], 'bicubic', true],
  [8, 'bilinear', true],
  [[5, 30], 'bicubic', false],
] as const) {
  const s = JSON.stringify(size);
  const pyMode = `IM.${mode.toUpperCase()}`;
  add(
    `Resize ${s} ${mode} aa=${aa} f`,
    () => new T.Resize(size, mode, null, aa)(chwf),
    `T.Resize(${s}, ${pyMode}, antialias=${aa ? 'True' : 'False'})(chwf)`,
    { atol: 1e-5, rtol: 0 },
  );
  add(
    `Resize ${s} ${mode} aa=${aa} u8`,
    () => new T.Resize(size, { interpolation: mode, antialias: aa })(chw8),
    `T.Resize(${s}, ${pyMode}, antialias=${aa ? 'True' : 'False'})(chw8)`,
  );
}
add('Resize max_size', () => F.resize(chwf, 6, { max_size: 7 }), 'TF.resize(chwf, 6, max_size=7)', {
  atol: 1e-5,
  rtol: 0,
});
add('Resize batch', () => F.resize(batch, [5, 5], { antialias: true }), 'TF.resize(batch, [5, 5], antialias=True)', {
  atol: 1e-5,
  rtol: 0,
});
// PIL-like CPU images take Pillow's own resampling (native/vision_pil_resample.cc): exact.
for (const size of [[20, 17], [60, 50], 16, [13, 29], [80, 21]] as const) {
  for (const mode of ['bilinear', 'bicubic', 'nearest'] as const) {
    const s = JSON.stringify(size);
    add(
      `Resize ${s} ${mode} PIL`,
      () => F.resize(big, size, mode),
      `arr(TF.resize(pil(big), ${s}, IM.${mode.toUpperCase()}))`,
      EXACT,
    );
  }
}

// ---- colour
add('Grayscale tensor f', () => new T.Grayscale()(chwf), 'T.Grayscale()(chwf)', { atol: 1e-6, rtol: 0 });
add('Grayscale tensor u8 x3', () => new T.Grayscale(3)(chw8), 'T.Grayscale(3)(chw8)');
add('Grayscale PIL', () => new T.Grayscale()(hwc), 'arr(T.Grayscale()(pil(hwc)))');
add('Grayscale PIL x3', () => new T.Grayscale(3)(hwc), 'arr(T.Grayscale(3)(pil(hwc)))');
for (const [fn, factor] of [
  ['brightness', 1.3],
  ['brightness', 0.6],
  ['contrast', 1.7],
  ['contrast', 0.4],
  ['saturation', 2.0],
  ['saturation', 0.3],
  ['hue', 0.2],
  ['hue', -0.45],
] as const) {
  const call = `TF.adjust_${fn}`;
  const ts = F[`adjust_${fn}`];
  add(`adjust_${fn} ${factor} f`, () => ts(chwf, factor), `${call}(chwf, ${factor})`, { atol: 1e-6, rtol: 0 });
  add(`adjust_${fn} ${factor} u8`, () => ts(chw8, factor), `${call}(chw8, ${factor})`);
  // PIL-like CPU images take Pillow's arithmetic natively (8-bit HSV for hue): all exact.
  add(`adjust_${fn} ${factor} PIL`, () => ts(hwc, factor), `arr(${call}(pil(hwc), ${factor}))`, EXACT);
}

// ---- rotate (tensor path)
for (const [angle, interp, expand, center, fill] of [
  [30, 'nearest', false, null, null],
  [30, 'bilinear', false, null, null],
  [-47.5, 'bilinear', true, null, [0.1, 0.2, 0.3]],
  [90, 'nearest', true, null, [1.0]],
  [12, 'nearest', false, [2, 3], [0.5, 0.5, 0.5]],
  [200, 'bilinear', true, [4, 1], null],
] as const) {
  const py = (x: string, k: number): string =>
    `TF.rotate(${x}, ${angle}, IM.${interp.toUpperCase()}, ${expand ? 'True' : 'False'}, ` +
    `${center ? JSON.stringify(center) : 'None'}, ${fill ? JSON.stringify(fill.map((v) => v * k)) : 'None'})`;
  const scaled = fill ? fill.map((v) => v * 255) : null;
  add(`rotate ${angle} ${interp} f`, () => F.rotate(chwf, angle, interp, expand, center, fill), py('chwf', 1), {
    atol: 1e-5,
    rtol: 0,
  });
  add(`rotate ${angle} ${interp} u8`, () => F.rotate(chw8, angle, interp, expand, center, scaled), py('chw8', 255));
}

// ---- random transforms under the same seed (torchvision's tensor path and PIL path)
function seeded<R>(seed: number, fn: () => R): R {
  torch.manual_seed(seed);
  return fn();
}
for (const seed of [0, 1, 7, 42]) {
  add(
    `RandomCrop pad ${seed}`,
    () => seeded(seed, () => new T.RandomCrop(8, { padding: 4 })(chwf)),
    `seeded(${seed}, lambda: T.RandomCrop(8, padding=4)(chwf))`,
  );
  add(
    `RandomCrop reflect PIL ${seed}`,
    () => seeded(seed, () => new T.RandomCrop([10, 7], { padding: [2, 1], padding_mode: 'reflect' })(hwc)),
    `seeded(${seed}, lambda: arr(T.RandomCrop([10, 7], padding=[2, 1], padding_mode='reflect')(pil(hwc))))`,
  );
  add(
    `RandomCrop pad_if_needed ${seed}`,
    () => seeded(seed, () => new T.RandomCrop(14, { pad_if_needed: true, fill: 3 })(chw8)),
    `seeded(${seed}, lambda: T.RandomCrop(14, pad_if_needed=True, fill=3)(chw8))`,
  );
  add(
    `RandomHorizontalFlip ${seed}`,
    () => seeded(seed, () => new T.RandomHorizontalFlip()(chwf)),
    `seeded(${seed}, lambda: T.RandomHorizontalFlip()(chwf))`,
  );
  add(
    `RandomVerticalFlip ${seed}`,
    () => seeded(seed, () => new T.RandomVerticalFlip(0.3)(hwc)),
    `seeded(${seed}, lambda: arr(T.RandomVerticalFlip(0.3)(pil(hwc))))`,
  );
  add(
    `RandomResizedCrop ${seed}`,
    () => seeded(seed, () => new T.RandomResizedCrop(8, { antialias: true })(chwf)),
    `seeded(${seed}, lambda: T.RandomResizedCrop(8, antialias=True)(chwf))`,
    { atol: 1e-5, rtol: 0 },
  );
  add(
    `RandomResizedCrop params ${seed}`,
    () => seeded(seed, () => T.RandomResizedCrop.get_params(big, [0.3, 0.9], [0.5, 2])),
    `seeded(${seed}, lambda: list(T.RandomResizedCrop.get_params(pil(big), [0.3, 0.9], [0.5, 2])))`,
  );
  add(
    `RandomErasing ${seed}`,
    () => seeded(seed, () => new T.RandomErasing(0.9)(chwf)),
    `seeded(${seed}, lambda: T.RandomErasing(0.9)(chwf))`,
  );
  add(
    `RandomErasing random ${seed}`,
    () => seeded(seed, () => new T.RandomErasing(1, { value: 'random', scale: [0.1, 0.5] })(chwf)),
    `seeded(${seed}, lambda: T.RandomErasing(1, value='random', scale=(0.1, 0.5))(chwf))`,
  );
  add(
    `RandomRotation ${seed}`,
    () => seeded(seed, () => new T.RandomRotation(45, { interpolation: 'bilinear', fill: 0.2 })(chwf)),
    `seeded(${seed}, lambda: T.RandomRotation(45, IM.BILINEAR, fill=0.2)(chwf))`,
    { atol: 1e-5, rtol: 0 },
  );
  add(
    `ColorJitter ${seed}`,
    () => seeded(seed, () => new T.ColorJitter(0.4, 0.4, 0.4, 0.1)(chwf)),
    `seeded(${seed}, lambda: T.ColorJitter(0.4, 0.4, 0.4, 0.1)(chwf))`,
    { atol: 1e-5, rtol: 0 },
  );
  add(
    `ColorJitter PIL no hue ${seed}`,
    () => seeded(seed, () => new T.ColorJitter({ brightness: 0.4, contrast: [0.5, 1.5], saturation: 0.4 })(hwc)),
    `seeded(${seed}, lambda: arr(T.ColorJitter(brightness=0.4, contrast=(0.5, 1.5), saturation=0.4)(pil(hwc))))`,
  );
}

// ---- the seed's CIFAR train transform, on PIL-like images, several images after one seed
const cifarInputs = Object.fromEntries(cifar.map((c, k) => [`c${k}`, c]));
const cifarTs = (): Tensor[] => {
  const tf = new T.Compose([
    new T.RandomCrop(32, { padding: 4 }),
    new T.RandomHorizontalFlip(),
    new T.ToTensor(),
    new T.Normalize(MEAN, STD),
  ]);
  torch.manual_seed(3);
  return cifar.map((c) => tf(c));
};
cases.push({
  name: 'CIFAR Compose',
  ts: cifarTs,
  py: `seeded(3, lambda: [tf(pil(c)) for tf in [T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(${JSON.stringify(MEAN)}, ${JSON.stringify(STD)})])] for c in [c0, c1, c2, c3]])`,
  inputs: cifarInputs,
  tol: { atol: 1e-6, rtol: 0 },
});

let results: PyResult[];
beforeAll(() => {
  const oracle: OracleCase[] = cases.map((c) => ({ py: c.py, inputs: c.inputs, setup: SETUP }));
  results = runPython(oracle);
});

describe('transforms vs torchvision 0.14', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const c = cases[i];
    expectMatches(c.ts(), results[i], c.tol, name);
  });
});

describe('image kinds', () => {
  test('geometric transforms keep the layout: HWC in, HWC out; CHW in, CHW out', () => {
    expect(new T.CenterCrop(4)(hwc).shape).toEqual([4, 4, 3]);
    expect(F.resize(hwc, [4, 6]).shape).toEqual([4, 6, 3]);
    expect(F.rotate(hwc, 10).shape).toEqual([9, 12, 3]);
    expect(new T.CenterCrop(4)(chw8).shape).toEqual([3, 4, 4]);
    expect(F.pad(gray2d, 1).shape).toEqual([9, 7]);
  });
  test("a 3×H×3 uint8 tensor is a CHW tensor image (the tie goes to torchvision's layout)", () => {
    expect(F.is_pil_like(torch.zeros([3, 5, 3], { dtype: torch.uint8 }))).toBe(false);
    expect(F.is_pil_like(torch.zeros([5, 5, 3], { dtype: torch.uint8 }))).toBe(true);
    expect(F.is_pil_like(torch.zeros([5, 5, 3]))).toBe(false);
  });
  test("errors in torchvision's wording", () => {
    expect(() => F.normalize(chw8, MEAN, STD)).toThrow('Input tensor should be a float tensor. Got torch.uint8.');
    expect(() => new T.RandomCrop(20)(chwf)).toThrow(
      'Required crop size (20, 20) is larger than input image size (11, 13)',
    );
    expect(() => F.adjust_hue(chwf, 0.7)).toThrow('hue_factor (0.7) is not in [-0.5, 0.5].');
    expect(() => F.pad(chwf, [1, 2, 3])).toThrow(
      'Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple',
    );
  });
});

describe('Compose', () => {
  test('callable without new, as the seed writes transforms.Compose([...]); new, instanceof, subclasses work', () => {
    const steps = [new transforms.CenterCrop(2), new transforms.ConvertImageDtype(torch.float64)];
    const img = torch.arange(27, { dtype: torch.uint8 }).view(3, 3, 3);
    const called = transforms.Compose(steps);
    const made = new transforms.Compose(steps);
    expect(called).toBeInstanceOf(transforms.Compose);
    expect(made).toBeInstanceOf(transforms.Compose);
    expect(called.constructor.name).toBe('Compose');
    expect(torch.equal(called(img), made(img))).toBe(true);
    expect(called(img).shape).toEqual([3, 2, 2]);
    expect(called.workerSpec()).toEqual(made.workerSpec());
    class Twice extends transforms.Compose {
      override forward(x: Tensor): Tensor {
        return super.forward(super.forward(x));
      }
    }
    const twice = new Twice([new transforms.Pad(1)]);
    expect(twice).toBeInstanceOf(transforms.Compose);
    expect(twice(img).shape).toEqual([3, 7, 7]);
  });
});

describe('ToTensor and Normalize fast paths', () => {
  test('a zero std is an error on every call, as in torchvision', () => {
    const norm = new T.Normalize([0.5], [1e-50]);
    const msg = 'std evaluated to zero after conversion to torch.float32, leading to division by zero.';
    expect(() => norm(chwf)).toThrow(msg);
    expect(() => norm(chwf)).toThrow(msg);
    expect(norm(chwf.double()).dtype).toBe(torch.float64); // 1e-50 is not zero in float64
  });
  test("more means than channels is PyTorch's broadcast error, not a broadcast", () => {
    expect(() => F.normalize(torch.rand(1, 4, 4), MEAN, STD)).toThrow("doesn't match the broadcast shape");
  });
  test('a Normalize first used inside torch.scope keeps working after it', () => {
    const norm = new T.Normalize([0.123], [0.456]);
    const x = torch.rand(1, 3, 3);
    const inside = torch.scope(() => norm(x));
    const after = norm(x);
    expect(after.equal(inside)).toBe(true);
    expect(after.equal(x.sub(torch.tensor([0.123])).div(torch.tensor([0.456])))).toBe(true);
  });
});

describe('v2 batched transforms', () => {
  const x = torch.rand(6, 3, 8, 8);
  test('RandomCrop with padding: each sample is a window of its own padded image', () => {
    torch.manual_seed(5);
    const out = new T.v2.RandomCrop(8, { padding: 2 })(x);
    expect(out.shape).toEqual([6, 3, 8, 8]);
    const padded = F.pad(x, 2);
    for (let n = 0; n < 6; n++) {
      let found = false;
      for (let i = 0; i <= 4 && !found; i++) {
        for (let j = 0; j <= 4 && !found; j++) {
          found = padded.select(0, n).narrow(1, i, 8).narrow(2, j, 8).equal(out.select(0, n));
        }
      }
      expect(found).toBe(true);
    }
  });
  test('RandomHorizontalFlip flips exactly the samples its mask picks', () => {
    torch.manual_seed(9);
    const mask = torch.rand([6]).lt(0.5);
    torch.manual_seed(9);
    const out = new T.v2.RandomHorizontalFlip()(x);
    const m = Array.from(mask.toTypedArray() as ArrayLike<number>);
    m.forEach((flip, n) => expect(out.select(0, n).equal(flip ? x.select(0, n).flip(-1) : x.select(0, n))).toBe(true));
    expect(new T.v2.RandomHorizontalFlip(1)(x.select(0, 0)).equal(F.hflip(x.select(0, 0)))).toBe(true);
  });
  test('Normalize and ConvertImageDtype equal the v1 functional forms', () => {
    expect(new T.v2.Normalize(MEAN, STD)(x).equal(F.normalize(x, MEAN, STD))).toBe(true);
    const u = torch.randint(0, 256, [2, 3, 4, 4], { dtype: torch.uint8 });
    expect(new T.v2.ConvertImageDtype(torch.float32)(u).equal(F.convert_image_dtype(u, torch.float32))).toBe(true);
  });
  test('runs on CUDA tensors and keeps them there (without CUDA: moving the input is a clear error)', () => {
    if (!torch.cuda.is_available()) {
      expect(() => x.cuda()).toThrow(torch.TorchError);
      return;
    }
    const xc = x.cuda();
    const tf = new T.v2.Compose([
      new T.v2.RandomCrop(8, { padding: 4 }),
      new T.v2.RandomHorizontalFlip(),
      new T.v2.Normalize(MEAN, STD),
    ]);
    const out = tf(xc);
    expect(out.device.type).toBe('cuda');
    expect(out.shape).toEqual([6, 3, 8, 8]);
  });
});
