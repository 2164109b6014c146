/**
 * The fused natives behind PIL-like images (native/ops_vision.cc, vision_pil*.cc) against
 * torchvision 0.14 on real PIL images, byte for byte: Image.rotate (nearest, bilinear, bicubic,
 * expand, center, fill, RGBA's premultiplied path, the transpose fast paths), ImageEnhance and the
 * HSV round trip on L/RGB/RGBA, and RandomCrop's one-pass pad-and-crop in every padding mode,
 * with the random draws under the same torch.manual_seed.
 */
import * as torch from '../lib';
import { Tensor } from '../lib';
import { N } from '../lib/native';
import * as transforms from '../lib/vision/transforms';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';
import { PIL_SETUP } from './helpers/pil_setup';

const F = transforms.functional;
const T = transforms;

const SETUP = PIL_SETUP;

const EXACT = { atol: 0, rtol: 0 };

torch.manual_seed(77);
const u8 = { dtype: torch.uint8 };
const rgb = torch.randint(0, 256, [13, 17, 3], u8); // non-square
const square = torch.randint(0, 256, [16, 16, 3], u8);
const gray = torch.randint(0, 256, [11, 9], u8);
const rgba = torch.cat([torch.randint(0, 256, [12, 10, 3], u8), torch.randint(0, 256, [12, 10, 1], u8)], 2);
const cifar = torch.randint(0, 256, [32, 32, 3], u8);
// 65,536 colours: every (R, G) pair, B varied; the HSV round trip meets every branch.
const colours = torch
  .stack(
    [
      torch.arange(256).repeat_interleave(256),
      torch.arange(256).repeat(256),
      torch.arange(65536).mul(37).remainder(256),
    ],
    1,
  )
  .to(torch.uint8)
  .view(256, 256, 3);
const images: Record<string, Tensor> = { rgb, square, gray, rgba, cifar, colours };

const cases: { name: string; ts: () => unknown; py: string }[] = [];
function add(name: string, ts: () => unknown, py: string): void {
  cases.push({ name, ts, py });
}
function seeded<R>(seed: number, fn: () => R): R {
  torch.manual_seed(seed);
  return fn();
}
const pyList = (v: readonly number[] | null): string => (v === null ? 'None' : JSON.stringify(v));

// ---- rotate: Image.rotate through torchvision's PIL path
const ROTATIONS: [number, 'nearest' | 'bilinear' | 'bicubic', boolean, number[] | null][] = [
  [30, 'nearest', false, null],
  [-47.5, 'nearest', true, null],
  [12.3, 'bilinear', false, null],
  [200, 'bilinear', true, null],
  [359.9, 'bicubic', false, null],
  [-15, 'bicubic', true, null],
  [90, 'nearest', false, null],
  [90, 'nearest', true, null],
  [270, 'bilinear', true, null],
  [180, 'nearest', false, null],
  [0, 'bilinear', false, null],
  [-360, 'nearest', true, null],
  [45, 'nearest', false, [3, 4]],
  [0, 'nearest', false, [2, 5]],
  [180, 'bilinear', false, [7.5, 2]],
  [33, 'bicubic', true, [0, 0]],
];
for (const [angle, interp, expand, center] of ROTATIONS) {
  for (const name of ['rgb', 'square', 'gray', 'rgba'] as const) {
    const img = images[name];
    const bands = name === 'gray' ? 1 : name === 'rgba' ? 4 : 3;
    const fill = bands === 1 ? 9 : [9, 200, 31, 140].slice(0, bands);
    add(
      `rotate ${name} ${angle} ${interp} expand=${expand} center=${pyList(center)}`,
      () => F.rotate(img, angle, interp, expand, center, fill),
      `arr(TF.rotate(pil(${name}), ${angle}, IM.${interp.toUpperCase()}, ${expand ? 'True' : 'False'}, ` +
        `${pyList(center)}, ${JSON.stringify(fill)}))`,
    );
  }
}
add(
  'rotate fill None, float fill',
  () => F.rotate(rgb, 21, 'bilinear', false, null, [1.7, 300, -4]),
  'arr(TF.rotate(pil(rgb), 21, IM.BILINEAR, False, None, [1.7, 300, -4]))',
);
add(
  'rotate default fill',
  () => F.rotate(rgba, -64, { interpolation: 'bilinear' }),
  'arr(TF.rotate(pil(rgba), -64, IM.BILINEAR))',
);
for (const seed of [0, 3, 11]) {
  add(
    `RandomRotation PIL ${seed}`,
    () => seeded(seed, () => new T.RandomRotation(15)(cifar)),
    `seeded(${seed}, lambda: arr(T.RandomRotation(15)(pil(cifar))))`,
  );
  add(
    `RandomRotation bilinear expand PIL ${seed}`,
    () =>
      seeded(seed, () => new T.RandomRotation([-80, 80], { interpolation: 'bilinear', expand: true, fill: 50 })(rgb)),
    `seeded(${seed}, lambda: arr(T.RandomRotation([-80, 80], IM.BILINEAR, expand=True, fill=50)(pil(rgb))))`,
  );
}

// ---- colour: ImageEnhance, convert('L'), the HSV round trip
for (const name of ['rgb', 'gray', 'rgba'] as const) {
  for (const [fn, factor] of [
    ['brightness', 1.3],
    ['brightness', 0.45],
    ['contrast', 1.8],
    ['contrast', 0.3],
    ['saturation', 2.2],
    ['saturation', 0.6],
  ] as const) {
    add(
      `adjust_${fn} ${factor} ${name}`,
      () => F[`adjust_${fn}`](images[name], factor),
      `arr(TF.adjust_${fn}(pil(${name}), ${factor}))`,
    );
  }
  add(`Grayscale ${name}`, () => new T.Grayscale()(images[name]), `arr(T.Grayscale()(pil(${name})))`);
  add(`Grayscale(3) ${name}`, () => new T.Grayscale(3)(images[name]), `arr(T.Grayscale(3)(pil(${name})))`);
  for (const hue of [0.1, -0.45, 0.5]) {
    add(`adjust_hue ${hue} ${name}`, () => F.adjust_hue(images[name], hue), `arr(TF.adjust_hue(pil(${name}), ${hue}))`);
  }
}
for (const hue of [0.2, -0.5, 0.37]) {
  add(
    `adjust_hue ${hue} on 65,536 colours`,
    () => F.adjust_hue(colours, hue),
    `arr(TF.adjust_hue(pil(colours), ${hue}))`,
  );
}
for (const factor of [0.5, 3.0]) {
  add(
    `saturation ${factor} on 65,536 colours`,
    () => F.adjust_saturation(colours, factor),
    `arr(TF.adjust_saturation(pil(colours), ${factor}))`,
  );
}
for (const seed of [0, 5, 9]) {
  add(
    `ColorJitter with hue PIL ${seed}`,
    () => seeded(seed, () => new T.ColorJitter(0.4, 0.4, 0.4, 0.1)(cifar)),
    `seeded(${seed}, lambda: arr(T.ColorJitter(0.4, 0.4, 0.4, 0.1)(pil(cifar))))`,
  );
  add(
    `ColorJitter ranges PIL ${seed}`,
    () => seeded(seed, () => new T.ColorJitter({ brightness: [0.2, 2], saturation: [0, 3], hue: [-0.5, 0.5] })(rgba)),
    `seeded(${seed}, lambda: arr(T.ColorJitter(brightness=(0.2, 2), saturation=(0, 3), hue=(-0.5, 0.5))(pil(rgba))))`,
  );
}

// ---- RandomCrop in one pass: every padding mode, pad_if_needed, L images, out-of-bounds crops
for (const seed of [0, 1, 2]) {
  for (const mode of ['constant', 'edge', 'reflect', 'symmetric'] as const) {
    add(
      `RandomCrop ${mode} PIL ${seed}`,
      () =>
        seeded(seed, () => new T.RandomCrop([12, 15], { padding: [3, 1, 2, 4], fill: 77, padding_mode: mode })(rgb)),
      `seeded(${seed}, lambda: arr(T.RandomCrop([12, 15], padding=[3, 1, 2, 4], fill=77, ` +
        `padding_mode='${mode}')(pil(rgb))))`,
    );
    add(
      `RandomCrop pad_if_needed ${mode} L ${seed}`,
      () => seeded(seed, () => new T.RandomCrop([15, 12], { pad_if_needed: true, fill: 5, padding_mode: mode })(gray)),
      `seeded(${seed}, lambda: arr(T.RandomCrop([15, 12], pad_if_needed=True, fill=5, ` +
        `padding_mode='${mode}')(pil(gray))))`,
    );
  }
  add(
    `RandomCrop padding + pad_if_needed PIL ${seed}`,
    () => seeded(seed, () => new T.RandomCrop(24, { padding: 2, pad_if_needed: true, fill: 3 })(rgba)),
    `seeded(${seed}, lambda: arr(T.RandomCrop(24, padding=2, pad_if_needed=True, fill=3)(pil(rgba))))`,
  );
  add(
    `RandomCrop padding + pad_if_needed reflect PIL ${seed}`,
    () => seeded(seed, () => new T.RandomCrop(20, { padding: 2, pad_if_needed: true, padding_mode: 'reflect' })(rgb)),
    `seeded(${seed}, lambda: arr(T.RandomCrop(20, padding=2, pad_if_needed=True, padding_mode='reflect')(pil(rgb))))`,
  );
  add(
    `RandomCrop(32, padding=4) + flip ${seed}`,
    () =>
      seeded(seed, () =>
        [0, 1, 2].map(() => new T.RandomHorizontalFlip()(new T.RandomCrop(32, { padding: 4 })(cifar))),
      ),
    `seeded(${seed}, lambda: [arr(T.RandomHorizontalFlip()(T.RandomCrop(32, padding=4)(pil(cifar)))) ` +
      'for _ in range(3)])',
  );
}
// ---- resize and RandomResizedCrop: Image.resize (ImagingResample's fixed point), exactly
const big = torch.randint(0, 256, [40, 36, 3], u8);
images.big = big;
for (const size of [[20, 17], [60, 50], 16, [13, 29], [80, 21], [40, 7]] as const) {
  for (const mode of ['bilinear', 'bicubic', 'nearest'] as const) {
    for (const name of ['big', 'gray', 'rgba'] as const) {
      const s = JSON.stringify(size);
      add(
        `resize ${s} ${mode} ${name}`,
        () => F.resize(images[name], size, mode),
        `arr(TF.resize(pil(${name}), ${s}, IM.${mode.toUpperCase()}))`,
      );
    }
  }
}
add(
  'resized_crop bicubic',
  () => F.resized_crop(big, 3, 5, 30, 21, [24, 24], 'bicubic'),
  'arr(TF.resized_crop(pil(big), 3, 5, 30, 21, [24, 24], IM.BICUBIC))',
);
add(
  'resized_crop out of bounds',
  () => F.resized_crop(rgb, -2, 4, 20, 20, 9),
  'arr(TF.resized_crop(pil(rgb), -2, 4, 20, 20, 9))',
);
for (const seed of [0, 4, 8, 13]) {
  add(
    `RandomResizedCrop PIL ${seed}`,
    () => seeded(seed, () => new T.RandomResizedCrop(24)(big)),
    `seeded(${seed}, lambda: arr(T.RandomResizedCrop(24)(pil(big))))`,
  );
  add(
    `RandomResizedCrop RGBA nearest ${seed}`,
    () => seeded(seed, () => new T.RandomResizedCrop([9, 14], { scale: [0.5, 1], interpolation: 'nearest' })(rgba)),
    `seeded(${seed}, lambda: arr(T.RandomResizedCrop([9, 14], scale=(0.5, 1), interpolation=IM.NEAREST)(pil(rgba))))`,
  );
  add(
    `RandomResizedCrop params fallback ${seed}`,
    () => seeded(seed, () => T.RandomResizedCrop.get_params(rgb, [0.99, 1], [3, 4])),
    `seeded(${seed}, lambda: list(T.RandomResizedCrop.get_params(pil(rgb), [0.99, 1], [3, 4])))`,
  );
}
add('crop out of bounds PIL', () => F.crop(rgb, -3, 5, 20, 16), 'arr(TF.crop(pil(rgb), -3, 5, 20, 16))');
add('crop outside PIL', () => F.crop(gray, 20, -30, 4, 6), 'arr(TF.crop(pil(gray), 20, -30, 4, 6))');
add('center_crop larger PIL', () => F.center_crop(rgba, [15, 13]), 'arr(TF.center_crop(pil(rgba), [15, 13]))');
add('vflip L', () => F.vflip(gray), 'arr(TF.vflip(pil(gray)))');
add('hflip RGBA', () => F.hflip(rgba), 'arr(TF.hflip(pil(rgba)))');

let results: PyResult[];
beforeAll(() => {
  const oracle: OracleCase[] = cases.map((c) => ({ py: c.py, inputs: images, setup: SETUP }));
  results = runPython(oracle);
});

describe('PIL-like natives vs torchvision + Pillow, byte for byte', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    expectMatches(cases[i].ts(), results[i], EXACT, name);
  });
});

describe('the natives never crash on bad input', () => {
  const f32 = torch.rand(4, 4, 3);
  test.each([
    ['pil_rotate float', () => N.vision_pil_rotate(f32._h, 10, 0, false, NaN, NaN, [0, 0, 0])],
    ['pil_rotate fill count', () => N.vision_pil_rotate(rgb._h, 10, 0, false, NaN, NaN, [0])],
    ['pil_rotate resample', () => N.vision_pil_rotate(rgb._h, 10, 1, false, NaN, NaN, [0, 0, 0])],
    ['pil_enhance kind', () => N.vision_pil_enhance(rgb._h, 7, 1.0)],
    ['pil_enhance 2 channels', () => N.vision_pil_enhance(torch.zeros([3, 3, 2], u8)._h, 0, 1.0)],
    ['pil_hue 1-D', () => N.vision_pil_hue(torch.zeros([5], u8)._h, 0.1)],
    ['pil_gray channels', () => N.vision_pil_gray(rgb._h, 2)],
    ['pad_crop box', () => N.vision_pad_crop(rgb._h, [0, 0, 0, 0], 0, 0, 5, 5, 13, 17)],
    ['pad_crop reflect too wide', () => N.vision_pad_crop(rgb._h, [17, 0, 0, 0], 2, 0, 0, 0, 13, 34)],
    ['pad_crop negative', () => N.vision_pad_crop(rgb._h, [-1, 0, 0, 0], 0, 0, 0, 0, 13, 16)],
    ['flip_hwc dim', () => N.vision_flip_hwc(rgb._h, 2)],
    ['pil_resized_crop box', () => N.vision_pil_resized_crop(rgb._h, 5, 0, 10, 17, 4, 4, 2)],
    ['pil_resized_crop size', () => N.vision_pil_resized_crop(rgb._h, 0, 0, 13, 17, 0, 4, 2)],
    ['pil_resized_crop resample', () => N.vision_pil_resized_crop(rgb._h, 0, 0, 13, 17, 4, 4, 1)],
  ])('%s is a TorchError', (_name, fn) => {
    expect(fn).toThrow(torch.TorchError);
  });
  test("fallbacks keep torchvision's errors", () => {
    expect(() => F.rotate(rgb, 10, 'nearest', false, null, [1, 2])).toThrow(
      "The number of elements in 'fill' does not match the number of bands of the image (2 != 3)",
    );
    expect(() => new T.RandomCrop(40, { padding: 2 })(rgb)).toThrow(
      'Required crop size (40, 40) is larger than input image size (17, 21)',
    );
  });
});
