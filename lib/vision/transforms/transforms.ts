/**
 * torchvision.transforms (0.14) classes. Each is a callable nn.Module (`t(img)`), takes a tensor
 * image or a PIL-like uint8 HWC image like its torchvision counterpart, and draws its random
 * parameters with torch's RNG in torchvision's order, so the same `torch.manual_seed` makes the
 * same choices as Python. Optional arguments are positional or a trailing options object:
 *   new transforms.RandomCrop(32, { padding: 4 })   // RandomCrop(32, padding=4)
 */
import * as torch from '../../index';
import { Tensor, dtype } from '../../index';
import type { Args } from '../../nn/functional';
import type { WorkerSpec } from '../../utils/data/worker_spec';
import * as F from './functional';
import {
  bindArgs,
  checkTensor,
  genHandle,
  getDimensions,
  isPilCpu,
  isPilLike,
  pyRound,
  randintItem,
  randLess,
  setupSize,
  uniformItem,
  uniformTensor,
} from './_image';
import { N } from '../../native';
import { nativePadOk, padCrop, parsePadding } from './_hwc';
import { normal_, thread_generator } from '../../generator';
import type { InterpolationMode, PaddingMode } from './_image';

type ImageFn = (img: Tensor) => Tensor;

/** How each built-in transform was constructed, for DataLoader workers (see Transform.workerSpec). */
const built = new WeakMap<object, { cls: abstract new (...a: never[]) => unknown; module: string; args: unknown[] }>();

/**
 * Records a built-in transform's class and constructor arguments (each constructor calls it
 * last, so the most derived class wins). A worker thread rebuilds the transform from them.
 */
export function _record(
  t: object,
  cls: abstract new (...a: never[]) => unknown,
  args: IArguments,
  module = 'torchts:vision/transforms',
): void {
  built.set(t, { cls, module, args: Array.from(args) });
}

/** The base of every transform: a callable module from image to image. */
export class Transform extends torch.nn.Module<ImageFn> {
  /**
   * How a DataLoader worker thread (num_workers > 0) rebuilds this transform: its class and
   * constructor arguments (nested transforms, e.g. Compose's, are rebuilt the same way). A
   * subclass of your own defines its own workerSpec() ({ module, exportName, args }).
   */
  workerSpec(): WorkerSpec {
    const rec = built.get(this);
    const cls = this.constructor as abstract new (...a: never[]) => unknown;
    if (rec && rec.cls === cls) return { module: rec.module, exportName: cls.name, args: rec.args };
    if (!rec && NO_ARGS.has(cls)) return { module: 'torchts:vision/transforms', exportName: cls.name, args: [] };
    throw new TypeError(
      `${cls.name} has no workerSpec(): DataLoader workers (num_workers > 0) rebuild each transform in their thread; ` +
        `give ${cls.name} a workerSpec() returning { module, exportName, args }, or use num_workers: 0`,
    );
  }
}

/**
 * A class that can also be called without `new`, as Python calls classes: the seed's
 * `transforms.Compose([...])` ports unchanged. `instanceof`, subclassing and `new` still work.
 */
function newless<C extends new (...args: never[]) => object>(
  cls: C,
): C & ((...args: ConstructorParameters<C>) => InstanceType<C>) {
  return new Proxy(cls, {
    apply: (target, _this, args: unknown[]) => new target(...(args as never[])),
  }) as C & ((...args: ConstructorParameters<C>) => InstanceType<C>);
}

// The class itself, named Compose (repr, workerSpec) behind the callable export below.
// eslint-disable-next-line @typescript-eslint/no-namespace
namespace impl {
  export class Compose extends Transform {
    constructor(readonly transforms: readonly ImageFn[]) {
      super();
      _record(this, Compose, arguments);
    }
    override forward(img: Tensor): Tensor {
      return this.transforms.reduce((x, t) => t(x), img);
    }
  }
}

/** Compose(transforms): applies each in order; `transforms.Compose([...])` or `new transforms.Compose([...])`. */
export const Compose = newless(impl.Compose);
export type Compose = impl.Compose;

/** ToTensor(): HWC (or 2-D) uint8 → C×H×W float in [0, 1]. */
export class ToTensor extends Transform {
  override forward(pic: Tensor): Tensor {
    return F.to_tensor(pic);
  }
}

/** PILToTensor(): HWC (or 2-D) uint8 → C×H×W uint8. */
export class PILToTensor extends Transform {
  override forward(pic: Tensor): Tensor {
    return F.pil_to_tensor(pic);
  }
}

/** ToPILImage(mode=None): C×H×W tensor (or H×W×C ndarray-like) → PIL image (see F.to_pil_image). */
export class ToPILImage extends Transform {
  constructor(readonly mode: string | null = null) {
    super();
    _record(this, ToPILImage, arguments);
  }
  override forward(pic: Tensor | F.NdArrayLike): Tensor {
    return F.to_pil_image(pic, this.mode);
  }
}

export class ConvertImageDtype extends Transform {
  constructor(readonly dtype: dtype) {
    super();
    _record(this, ConvertImageDtype, arguments);
  }
  override forward(image: Tensor): Tensor {
    return F.convert_image_dtype(image, this.dtype);
  }
}

export class Normalize extends Transform {
  readonly inplace: boolean;
  constructor(
    readonly mean: readonly number[],
    readonly std: readonly number[],
    opts: { inplace?: boolean } | boolean = {},
  ) {
    super();
    _record(this, Normalize, arguments);
    this.inplace = typeof opts === 'boolean' ? opts : (opts.inplace ?? false);
  }
  override forward(t: Tensor): Tensor {
    return F.normalize(t, this.mean, this.std, this.inplace);
  }
}

const RESIZE_KEYS = ['interpolation', 'max_size', 'antialias'] as const;

/** Resize(size, interpolation='bilinear', max_size=None, antialias=None) */
export class Resize extends Transform {
  readonly interpolation: InterpolationMode;
  readonly max_size: number | null;
  readonly antialias: boolean | null;
  constructor(
    readonly size: number | readonly number[],
    ...args: Args<F.ResizeOptions, typeof RESIZE_KEYS>
  ) {
    super();
    _record(this, Resize, arguments);
    const o = bindArgs<F.ResizeOptions>('Resize', RESIZE_KEYS, args, {
      interpolation: 'bilinear',
      max_size: null,
      antialias: null,
    });
    if (typeof size !== 'number' && size.length !== 1 && size.length !== 2) {
      throw new TypeError(`Size should be int or sequence. Got ${typeof size}`);
    }
    [this.interpolation, this.max_size, this.antialias] = [o.interpolation, o.max_size, o.antialias];
  }
  override forward(img: Tensor): Tensor {
    return F.resize(img, this.size, this.interpolation, this.max_size, this.antialias);
  }
}

export class CenterCrop extends Transform {
  readonly size: [number, number];
  constructor(size: number | readonly number[]) {
    super();
    _record(this, CenterCrop, arguments);
    this.size = setupSize(size, 'Please provide only two dimensions (h, w) for size.');
  }
  override forward(img: Tensor): Tensor {
    return F.center_crop(img, this.size);
  }
}

/** Pad(padding, fill=0, padding_mode='constant') */
export class Pad extends Transform {
  constructor(
    readonly padding: number | readonly number[],
    readonly fill: number = 0,
    readonly padding_mode: PaddingMode = 'constant',
  ) {
    super();
    _record(this, Pad, arguments);
    if (typeof padding !== 'number' && ![1, 2, 4].includes(padding.length)) {
      throw new Error(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`);
    }
  }
  override forward(img: Tensor): Tensor {
    return F.pad(img, this.padding, this.fill, this.padding_mode);
  }
}

export class Lambda extends Transform {
  constructor(readonly lambd: ImageFn) {
    super();
    _record(this, Lambda, arguments);
    if (typeof lambd !== 'function') throw new TypeError(`Argument lambd should be callable, got ${typeof lambd}`);
  }
  override forward(img: Tensor): Tensor {
    return this.lambd(img);
  }
  /** A closure cannot be rebuilt in another thread. */
  override workerSpec(): WorkerSpec {
    throw new TypeError(
      'transforms.Lambda cannot be used with DataLoader num_workers > 0: its function cannot be sent to a ' +
        'worker thread. Write it as a Transform subclass with a workerSpec() ({ module, exportName, args }), ' +
        'or use num_workers: 0',
    );
  }
}

export interface RandomCropOptions {
  padding?: number | readonly number[] | null;
  pad_if_needed?: boolean;
  fill?: number;
  padding_mode?: PaddingMode;
}
const RANDOM_CROP_KEYS = ['padding', 'pad_if_needed', 'fill', 'padding_mode'] as const;

/** RandomCrop(size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant') */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  readonly padding: number | readonly number[] | null;
  readonly pad_if_needed: boolean;
  readonly fill: number;
  readonly padding_mode: PaddingMode;
  constructor(size: number | readonly number[], ...args: Args<RandomCropOptions, typeof RANDOM_CROP_KEYS>) {
    super();
    _record(this, RandomCrop, arguments);
    const o = bindArgs<RandomCropOptions>('RandomCrop', RANDOM_CROP_KEYS, args, {
      padding: null,
      pad_if_needed: false,
      fill: 0,
      padding_mode: 'constant',
    });
    this.size = setupSize(size, 'Please provide only two dimensions (h, w) for size.');
    [this.padding, this.pad_if_needed, this.fill, this.padding_mode] = [
      o.padding,
      o.pad_if_needed,
      o.fill,
      o.padding_mode,
    ];
  }

  /** (i, j, th, tw): i then j drawn with torch.randint, as torchvision. */
  static get_params(img: Tensor, output_size: readonly number[]): [number, number, number, number] {
    const [, h, w] = getDimensions(img);
    return cropParams(h, w, output_size);
  }

  override forward(img: Tensor): Tensor {
    const fast = isPilCpu(img) ? this.forwardPil(img) : null;
    if (fast !== null) return fast;
    let x = img;
    if (this.padding !== null) x = F.pad(x, this.padding, this.fill, this.padding_mode);
    const [, height, width] = getDimensions(x);
    if (this.pad_if_needed && width < this.size[1])
      x = F.pad(x, [this.size[1] - width, 0], this.fill, this.padding_mode);
    if (this.pad_if_needed && height < this.size[0])
      x = F.pad(x, [0, this.size[0] - height], this.fill, this.padding_mode);
    const [i, j, h, w] = RandomCrop.get_params(x, this.size);
    return F.crop(x, i, j, h, w);
  }

  /**
   * forward() for a PIL-like CPU image as one native pass: the padding (and pad_if_needed's)
   * is folded into the crop, the padded image is never built. The draws are get_params' (i, then
   * j, on the padded size). Null where padding twice is not one padding (pad_if_needed after a
   * reflect/symmetric pad) or the native cannot pad this way: forward() composes then.
   */
  private forwardPil(img: Tensor): Tensor | null {
    const [, h0, w0] = getDimensions(img);
    const [th, tw] = this.size;
    const lrtb = this.padding === null ? [0, 0, 0, 0] : parsePadding(this.padding);
    let [height, width] = [h0 + lrtb[2] + lrtb[3], w0 + lrtb[0] + lrtb[1]];
    if (this.pad_if_needed && (width < tw || height < th)) {
      // Padding a padded image again is one wider padding for constant and edge modes only.
      if (this.padding !== null && this.padding_mode !== 'constant' && this.padding_mode !== 'edge') return null;
      const dw = width < tw ? tw - width : 0; // F.pad(img, [dw, 0]): dw on the left and on the right
      const dh = height < th ? th - height : 0;
      [lrtb[0], lrtb[1], lrtb[2], lrtb[3]] = [lrtb[0] + dw, lrtb[1] + dw, lrtb[2] + dh, lrtb[3] + dh];
      [height, width] = [height + 2 * dh, width + 2 * dw];
    }
    const mode = lrtb.some((v) => v !== 0) ? this.padding_mode : 'constant';
    if (!nativePadOk(h0, w0, lrtb, mode)) return null;
    const [i, j] = cropParams(height, width, this.size);
    return padCrop(img, [lrtb[0], lrtb[2], lrtb[1], lrtb[3]], this.fill, mode, i, j, th, tw);
  }
}

/** RandomCrop.get_params on an h×w image. */
function cropParams(h: number, w: number, output_size: readonly number[]): [number, number, number, number] {
  const [th, tw] = output_size;
  if (h < th || w < tw) {
    throw new Error(`Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
  }
  if (w === tw && h === th) return [0, 0, h, w];
  const i = randintItem(0, h - th + 1);
  const j = randintItem(0, w - tw + 1);
  return [i, j, th, tw];
}

export class RandomHorizontalFlip extends Transform {
  constructor(readonly p = 0.5) {
    super();
    _record(this, RandomHorizontalFlip, arguments);
  }
  override forward(img: Tensor): Tensor {
    return randLess(this.p) ? F.hflip(img) : img;
  }
}

export class RandomVerticalFlip extends Transform {
  constructor(readonly p = 0.5) {
    super();
    _record(this, RandomVerticalFlip, arguments);
  }
  override forward(img: Tensor): Tensor {
    return randLess(this.p) ? F.vflip(img) : img;
  }
}

export interface RandomResizedCropOptions {
  scale?: readonly [number, number];
  ratio?: readonly [number, number];
  interpolation?: InterpolationMode;
  antialias?: boolean | null;
}
const RRC_KEYS = ['scale', 'ratio', 'interpolation', 'antialias'] as const;

/** RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3), interpolation='bilinear', antialias=None) */
export class RandomResizedCrop extends Transform {
  readonly size: [number, number];
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean | null;
  constructor(size: number | readonly number[], ...args: Args<RandomResizedCropOptions, typeof RRC_KEYS>) {
    super();
    _record(this, RandomResizedCrop, arguments);
    const o = bindArgs<RandomResizedCropOptions>('RandomResizedCrop', RRC_KEYS, args, {
      scale: [0.08, 1.0],
      ratio: [3.0 / 4.0, 4.0 / 3.0],
      interpolation: 'bilinear',
      antialias: null,
    });
    this.size = setupSize(size, 'Please provide only two dimensions (h, w) for size.');
    [this.scale, this.ratio, this.interpolation, this.antialias] = [o.scale, o.ratio, o.interpolation, o.antialias];
  }

  /**
   * Ten tries at a box of random area and log-uniform aspect ratio, then a central fallback: one
   * native call making torchvision's draws and arithmetic (ops_vision.cc ResizedCropParams).
   */
  static get_params(img: Tensor, scale: readonly number[], ratio: readonly number[]): [number, number, number, number] {
    const [, height, width] = getDimensions(img);
    const dt = torch.get_default_dtype().code;
    const p = N.vision_rrc_params(height, width, scale[0], scale[1], ratio[0], ratio[1], dt, genHandle()) as number[];
    return [Number(p[0]), Number(p[1]), Number(p[2]), Number(p[3])];
  }

  override forward(img: Tensor): Tensor {
    const [i, j, h, w] = RandomResizedCrop.get_params(img, this.scale, this.ratio);
    return F.resized_crop(img, i, j, h, w, this.size, this.interpolation, this.antialias);
  }
}

export interface RandomRotationOptions {
  interpolation?: InterpolationMode;
  expand?: boolean;
  center?: readonly number[] | null;
  fill?: number | readonly number[];
}
const ROTATION_KEYS = ['interpolation', 'expand', 'center', 'fill'] as const;

/** RandomRotation(degrees, interpolation='nearest', expand=False, center=None, fill=0) */
export class RandomRotation extends Transform {
  readonly degrees: [number, number];
  readonly interpolation: InterpolationMode;
  readonly expand: boolean;
  readonly center: readonly number[] | null;
  readonly fill: number | readonly number[];
  constructor(degrees: number | readonly number[], ...args: Args<RandomRotationOptions, typeof ROTATION_KEYS>) {
    super();
    _record(this, RandomRotation, arguments);
    const o = bindArgs<RandomRotationOptions>('RandomRotation', ROTATION_KEYS, args, {
      interpolation: 'nearest',
      expand: false,
      center: null,
      fill: 0,
    });
    if (typeof degrees === 'number') {
      if (degrees < 0) throw new Error('If degrees is a single number, it must be positive.');
      this.degrees = [-degrees, degrees];
    } else {
      if (degrees.length !== 2) throw new Error('degrees should be a sequence of length 2.');
      this.degrees = [degrees[0], degrees[1]];
    }
    if (o.center !== null && o.center.length !== 2) throw new Error('center should be a sequence of length 2.');
    [this.interpolation, this.expand, this.center, this.fill] = [o.interpolation, o.expand, o.center, o.fill];
  }

  static get_params(degrees: readonly number[]): number {
    return uniformItem(degrees[0], degrees[1]);
  }

  override forward(img: Tensor): Tensor {
    const [channels] = getDimensions(img);
    const fill = typeof this.fill === 'number' ? new Array<number>(channels).fill(this.fill) : [...this.fill];
    const angle = RandomRotation.get_params(this.degrees);
    return F.rotate(img, angle, this.interpolation, this.expand, this.center, fill);
  }
}

type JitterArg = number | readonly [number, number];
export interface ColorJitterOptions {
  brightness?: JitterArg;
  contrast?: JitterArg;
  saturation?: JitterArg;
  hue?: JitterArg;
}
const JITTER_KEYS = ['brightness', 'contrast', 'saturation', 'hue'] as const;

/** torchvision's ColorJitter._check_input: a number v means [center - v, center + v]. */
function checkJitter(
  v: JitterArg,
  name: string,
  center: number,
  bound: [number, number],
  clipFirstOnZero: boolean,
): [number, number] | null {
  let r: [number, number];
  if (typeof v === 'number') {
    if (v < 0) throw new Error(`If ${name} is a single number, it must be non negative.`);
    r = [center - v, center + v];
    if (clipFirstOnZero) r[0] = Math.max(r[0], 0.0);
  } else if (v.length === 2) {
    r = [v[0], v[1]];
    if (!(bound[0] <= r[0] && r[0] <= r[1] && r[1] <= bound[1])) {
      throw new Error(`${name} values should be between [${bound[0]}, ${bound[1]}], but got [${r[0]}, ${r[1]}].`);
    }
  } else {
    throw new TypeError(`${name} should be a single number or a list/tuple with length 2.`);
  }
  return r[0] === center && r[1] === center ? null : r;
}

/** ColorJitter(brightness=0, contrast=0, saturation=0, hue=0) */
export class ColorJitter extends Transform {
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  readonly hue: [number, number] | null;
  constructor(...args: Args<ColorJitterOptions, typeof JITTER_KEYS>) {
    super();
    _record(this, ColorJitter, arguments);
    const o = bindArgs<ColorJitterOptions>('ColorJitter', JITTER_KEYS, args, {
      brightness: 0,
      contrast: 0,
      saturation: 0,
      hue: 0,
    });
    this.brightness = checkJitter(o.brightness, 'brightness', 1, [0, Infinity], true);
    this.contrast = checkJitter(o.contrast, 'contrast', 1, [0, Infinity], true);
    this.saturation = checkJitter(o.saturation, 'saturation', 1, [0, Infinity], true);
    this.hue = checkJitter(o.hue, 'hue', 0, [-0.5, 0.5], false);
  }

  /** [fn_idx, b, c, s, h]: torch.randperm(4), then one uniform draw per enabled factor. */
  static get_params(
    brightness: readonly number[] | null,
    contrast: readonly number[] | null,
    saturation: readonly number[] | null,
    hue: readonly number[] | null,
  ): [number[], number | null, number | null, number | null, number | null] {
    // One native call: randperm(4), then a uniform draw per given range (NaN bounds: none), in order.
    const range = (r: readonly number[] | null): [number, number] => (r === null ? [NaN, NaN] : [r[0], r[1]]);
    const [perm, b, c, s, h] = N.vision_jitter_params(
      ...range(brightness),
      ...range(contrast),
      ...range(saturation),
      ...range(hue),
      torch.get_default_dtype().code,
      genHandle(),
    ) as [number[], number, number, number, number];
    const factor = (v: number): number | null => (Number.isNaN(v) ? null : v);
    return [perm.map(Number), factor(b), factor(c), factor(s), factor(h)];
  }

  override forward(img: Tensor): Tensor {
    const [fnIdx, b, c, s, h] = ColorJitter.get_params(this.brightness, this.contrast, this.saturation, this.hue);
    let x = img;
    for (const id of fnIdx) {
      if (id === 0 && b !== null) x = F.adjust_brightness(x, b);
      else if (id === 1 && c !== null) x = F.adjust_contrast(x, c);
      else if (id === 2 && s !== null) x = F.adjust_saturation(x, s);
      else if (id === 3 && h !== null) x = F.adjust_hue(x, h);
    }
    return x;
  }
}

export class Grayscale extends Transform {
  constructor(readonly num_output_channels = 1) {
    super();
    _record(this, Grayscale, arguments);
  }
  override forward(img: Tensor): Tensor {
    return F.rgb_to_grayscale(img, this.num_output_channels);
  }
}

/** RandomGrayscale(p=0.1): to grayscale with as many channels as the input, with probability p. */
export class RandomGrayscale extends Transform {
  constructor(readonly p = 0.1) {
    super();
    _record(this, RandomGrayscale, arguments);
  }
  override forward(img: Tensor): Tensor {
    const [num_output_channels] = getDimensions(img);
    return randLess(this.p) ? F.rgb_to_grayscale(img, num_output_channels) : img;
  }
}

export interface RandomErasingOptions {
  scale?: readonly [number, number];
  ratio?: readonly [number, number];
  value?: number | readonly number[] | 'random';
  inplace?: boolean;
}
const ERASING_KEYS = ['scale', 'ratio', 'value', 'inplace'] as const;

/** RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False): tensor images. */
export class RandomErasing extends Transform {
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly value: number | readonly number[] | 'random';
  readonly inplace: boolean;
  constructor(
    readonly p = 0.5,
    ...args: Args<RandomErasingOptions, typeof ERASING_KEYS>
  ) {
    super();
    _record(this, RandomErasing, arguments);
    const o = bindArgs<RandomErasingOptions>('RandomErasing', ERASING_KEYS, args, {
      scale: [0.02, 0.33],
      ratio: [0.3, 3.3],
      value: 0,
      inplace: false,
    });
    if (typeof o.value === 'string' && o.value !== 'random') throw new Error("If value is str, it should be 'random'");
    if (o.scale[0] < 0 || o.scale[1] > 1) throw new Error('Scale should be between 0 and 1');
    if (p < 0 || p > 1) throw new Error('Random erasing probability should be between 0 and 1');
    [this.scale, this.ratio, this.value, this.inplace] = [o.scale, o.ratio, o.value, o.inplace];
  }

  /** (i, j, h, w, v); v is drawn (normal_) before i and j when value is random, as torchvision. */
  static get_params(
    img: Tensor,
    scale: readonly number[],
    ratio: readonly number[],
    value: readonly number[] | null = null,
  ): [number, number, number, number, Tensor] {
    const n = img.dim();
    const [imgC, imgH, imgW] = [img.size(n - 3), img.size(n - 2), img.size(n - 1)];
    const area = imgH * imgW;
    const logRatio = torch
      .tensor([...ratio], { dtype: torch.float32 })
      .log()
      .toTypedArray() as Float32Array;
    for (let k = 0; k < 10; k++) {
      const eraseArea = area * uniformItem(scale[0], scale[1]);
      const aspect = Number(uniformTensor(logRatio[0], logRatio[1]).exp().item());
      const h = pyRound(Math.sqrt(eraseArea * aspect));
      const w = pyRound(Math.sqrt(eraseArea / aspect));
      if (!(h < imgH && w < imgW)) continue;
      const v =
        value === null
          ? normal_(torch.empty([imgC, h, w], { dtype: torch.float32 }), 0, 1, thread_generator())
          : torch.tensor([...value]).view(-1, 1, 1);
      const i = randintItem(0, imgH - h + 1);
      const j = randintItem(0, imgW - w + 1);
      return [i, j, h, w, v];
    }
    return [0, 0, imgH, imgW, img];
  }

  override forward(img: Tensor): Tensor {
    checkTensor('RandomErasing', img);
    if (isPilLike(img)) throw new TypeError('img should be Tensor Image. Got PIL-like HWC uint8 image');
    if (!randLess(this.p)) return img;
    const value = this.value === 'random' ? null : typeof this.value === 'number' ? [this.value] : [...this.value];
    if (value !== null && value.length !== 1 && value.length !== img.size(-3)) {
      throw new Error(
        `If value is a sequence, it should have either a single value or ${img.size(-3)} (number of input channels)`,
      );
    }
    const [x, y, h, w, v] = RandomErasing.get_params(img, this.scale, this.ratio, value);
    return F.erase(img, x, y, h, w, v, this.inplace);
  }
}

/** Built-in transforms without constructor arguments (nothing to record). */
const NO_ARGS = new Set<abstract new (...a: never[]) => unknown>([ToTensor, PILToTensor]);
