/**
 * Compiles a built-in transform (or a Compose of them) into the op plan the DataLoader's native
 * worker threads run (native/data_pipeline.cc), for images of one known shape, as the built-in
 * in-memory datasets have. The image's kind and shape are followed through the chain, so every
 * size, padding and branch the TS transform would compute per image is fixed here, and the
 * native op makes only the random draws and the kernel calls, the same ones in the same order
 * as the TS forward (transforms.ts, functional.ts).
 *
 * Anything not known to give the same result natively returns null, and the loader then uses
 * worker_threads: a transform of the user's (or a subclass), Lambda, a branch the TS path takes
 * through its composed fallback, or a case where the TS transform would throw (so the error is
 * raised where it is raised today).
 */
import * as torch from '../../index';
import { nativePadOk, parsePadding } from './_hwc';
import { PIL_RESAMPLE } from './_image';
import { resizedOutputSize } from './functional';
import * as T from './transforms';

/** data_pipeline.cc PlanOp codes. */
const OP = {
  randomCrop: 0,
  padCrop: 1,
  flip: 2,
  colorJitter: 3,
  randomResizedCrop: 4,
  resize: 5,
  toTensor: 6,
  pilToTensor: 7,
  normalize: 8,
  rotate: 9,
  grayscale: 10,
  randomGrayscale: 11,
  randomErasing: 12,
  resizeShortSide: 13,
  centerCropAny: 14,
} as const;

const PAD_MODES: Readonly<Record<string, number>> = { constant: 0, edge: 1, reflect: 2, symmetric: 3 };

/**
 * The image between two ops: PIL-like (uint8 H×W×C, or H×W when twoD) or a C×H×W tensor. h and w
 * are NaN while they differ from image to image (ImageFolder), until an op fixes them.
 */
interface ImageState {
  kind: 'pil' | 'tensor';
  c: number;
  h: number;
  w: number;
  twoD: boolean;
  float: boolean;
}

type Step = (s: ImageState, plan: number[][]) => ImageState | null;

/** True when `t` is exactly built-in class `cls` (a subclass may override forward). */
function exactly<C extends abstract new (...a: never[]) => unknown>(t: unknown, cls: C): t is InstanceType<C> {
  return (
    typeof t === 'function' &&
    Object.getPrototypeOf(t) === cls.prototype &&
    !Object.prototype.hasOwnProperty.call(t, 'forward')
  );
}

function pil(s: ImageState, h: number, w: number): ImageState {
  return { ...s, h, w };
}

function sizeKnown(s: ImageState): boolean {
  return !Number.isNaN(s.h) && !Number.isNaN(s.w);
}

function randomCrop(t: T.RandomCrop, s: ImageState, plan: number[][]): ImageState | null {
  if (!sizeKnown(s)) return null;
  // RandomCrop.forwardPil: padding and pad_if_needed folded into one pad-and-crop.
  const [th, tw] = t.size;
  const lrtb = t.padding === null ? [0, 0, 0, 0] : parsePadding(t.padding);
  let [height, width] = [s.h + lrtb[2] + lrtb[3], s.w + lrtb[0] + lrtb[1]];
  if (t.pad_if_needed && (width < tw || height < th)) {
    if (t.padding !== null && t.padding_mode !== 'constant' && t.padding_mode !== 'edge') return null;
    const dw = width < tw ? tw - width : 0;
    const dh = height < th ? th - height : 0;
    [lrtb[0], lrtb[1], lrtb[2], lrtb[3]] = [lrtb[0] + dw, lrtb[1] + dw, lrtb[2] + dh, lrtb[3] + dh];
    [height, width] = [height + 2 * dh, width + 2 * dw];
  }
  const mode = lrtb.some((v) => v !== 0) ? t.padding_mode : 'constant';
  if (!nativePadOk(s.h, s.w, lrtb, mode) || height < th || width < tw) return null;
  plan.push([OP.randomCrop, lrtb[0], lrtb[2], lrtb[1], lrtb[3], PAD_MODES[mode], t.fill, height, width, th, tw]);
  return pil(s, th, tw);
}

function centerCrop(t: T.CenterCrop, s: ImageState, plan: number[][]): ImageState | null {
  // functional.center_crop (zero padding where the crop is larger, then the central box), on each
  // image's own size (data_pipeline.cc CenterCrop).
  const [ch, cw] = t.size;
  plan.push([OP.centerCropAny, ch, cw]);
  return pil(s, ch, cw);
}

function pad(t: T.Pad, s: ImageState, plan: number[][]): ImageState | null {
  const [l, r, top, b] = parsePadding(t.padding);
  if (!sizeKnown(s)) return null;
  if (!nativePadOk(s.h, s.w, [l, r, top, b], t.padding_mode)) return null;
  const [h, w] = [s.h + top + b, s.w + l + r];
  plan.push([OP.padCrop, l, top, r, b, PAD_MODES[t.padding_mode], t.fill, 0, 0, h, w]);
  return pil(s, h, w);
}

function colorJitter(t: T.ColorJitter, s: ImageState, plan: number[][]): ImageState | null {
  if (s.c !== 1 && s.c !== 3) return null;
  const range = (r: readonly number[] | null): number[] => (r === null ? [NaN, NaN] : [r[0], r[1]]);
  plan.push([
    OP.colorJitter,
    ...range(t.brightness),
    ...range(t.contrast),
    ...range(t.saturation),
    ...range(t.hue),
    s.c,
  ]);
  return s;
}

function randomResizedCrop(t: T.RandomResizedCrop, s: ImageState, plan: number[][]): ImageState | null {
  const resample = PIL_RESAMPLE[t.interpolation];
  const [oh, ow] = t.size;
  if (resample === undefined || s.h < 1 || s.w < 1 || oh < 1 || ow < 1) return null;
  plan.push([OP.randomResizedCrop, s.h, s.w, t.scale[0], t.scale[1], t.ratio[0], t.ratio[1], oh, ow, resample]);
  return pil(s, oh, ow);
}

function resize(t: T.Resize, s: ImageState, plan: number[][]): ImageState | null {
  const resample = PIL_RESAMPLE[t.interpolation];
  const sizes = typeof t.size === 'number' ? [t.size] : [...t.size];
  if (resample === undefined || (t.max_size !== null && sizes.length !== 1)) return null;
  if (!sizeKnown(s)) {
    if (sizes.length === 2) {
      if (sizes[0] < 1 || sizes[1] < 1) return null;
      plan.push([OP.resize, NaN, NaN, sizes[0], sizes[1], resample]); // skipped where the size is already right
      return pil(s, sizes[0], sizes[1]);
    }
    if (sizes[0] < 1 || (t.max_size !== null && t.max_size <= sizes[0])) return null;
    plan.push([OP.resizeShortSide, sizes[0], t.max_size ?? -1, resample]);
    return s;
  }
  let out: [number, number];
  try {
    out = resizedOutputSize(s.h, s.w, sizes, t.max_size);
  } catch {
    return null;
  }
  if (out[0] === s.h && out[1] === s.w) return s;
  if (s.h < 1 || s.w < 1 || out[0] < 1 || out[1] < 1) return null;
  plan.push([OP.resize, s.h, s.w, out[0], out[1], resample]);
  return pil(s, out[0], out[1]);
}

function rotate(t: T.RandomRotation, s: ImageState, plan: number[][]): ImageState | null {
  // RandomRotation.forward → F.rotate's PIL path; expand makes the size random (no batch).
  const resample = PIL_RESAMPLE[t.interpolation];
  const fill = typeof t.fill === 'number' ? new Array<number>(s.c).fill(t.fill) : [...t.fill];
  if (resample === undefined || t.expand || fill.length !== s.c) return null;
  const [cx, cy] = t.center === null ? [NaN, NaN] : [t.center[0], t.center[1]];
  plan.push([OP.rotate, t.degrees[0], t.degrees[1], resample, cx, cy, ...fill.map(Math.trunc)]);
  return s;
}

function grayscale(channels: number, s: ImageState): ImageState | null {
  // Pillow's convert('L') (and back to RGB for 3): L images are H×W.
  if (channels !== 1 && channels !== 3) return null;
  return { ...s, c: channels, twoD: channels === 1 };
}

function randomErasing(t: T.RandomErasing, s: ImageState, plan: number[][]): ImageState | null {
  const value = t.value === 'random' ? null : typeof t.value === 'number' ? [t.value] : [...t.value];
  if (value !== null && value.length !== 1 && value.length !== s.c) return null;
  const [s0, s1] = t.scale;
  const [r0, r1] = t.ratio;
  plan.push([OP.randomErasing, t.p, s0, s1, r0, r1, value === null ? 1 : 0, ...(value ?? [])]);
  return s;
}

function normalize(t: T.Normalize, s: ImageState, plan: number[][]): ImageState | null {
  const { mean, std } = t;
  const dt = torch.get_default_dtype();
  const asFloat = (v: number): number => (dt === torch.float32 ? Math.fround(v) : v);
  if (mean.length !== std.length || (mean.length !== s.c && mean.length !== 1)) return null;
  if (std.some((v) => asFloat(v) === 0) || ![...mean, ...std].every(Number.isFinite)) return null;
  plan.push([OP.normalize, mean.length, ...mean, ...std]);
  return s;
}

/** One transform's step, or null where it has none (the caller then falls back). */
function stepFor(t: unknown): Step | null {
  if (exactly(t, T.Compose)) {
    const steps = t.transforms.map(stepFor);
    if (steps.some((x) => x === null)) return null;
    return (s, plan) => steps.reduce<ImageState | null>((acc, step) => (acc === null ? null : step!(acc, plan)), s);
  }
  const onPil =
    (f: Step): Step =>
    (s, plan) =>
      s.kind === 'pil' ? f(s, plan) : null;
  if (exactly(t, T.RandomCrop)) return onPil((s, plan) => randomCrop(t, s, plan));
  if (exactly(t, T.CenterCrop)) return onPil((s, plan) => centerCrop(t, s, plan));
  if (exactly(t, T.Pad)) return onPil((s, plan) => pad(t, s, plan));
  if (exactly(t, T.ColorJitter)) return onPil((s, plan) => colorJitter(t, s, plan));
  if (exactly(t, T.RandomResizedCrop)) return onPil((s, plan) => randomResizedCrop(t, s, plan));
  if (exactly(t, T.Resize)) return onPil((s, plan) => resize(t, s, plan));
  if (exactly(t, T.RandomRotation)) return onPil((s, plan) => rotate(t, s, plan));
  if (exactly(t, T.Grayscale)) {
    return onPil((s, plan) => (plan.push([OP.grayscale, t.num_output_channels]), grayscale(t.num_output_channels, s)));
  }
  if (exactly(t, T.RandomGrayscale)) {
    // The output keeps the input's channel count (convert('L'), and back for RGB).
    return onPil((s, plan) => (s.c === 4 ? null : (plan.push([OP.randomGrayscale, t.p, s.c]), s)));
  }
  if (exactly(t, T.RandomErasing)) return (s, plan) => (s.kind === 'tensor' ? randomErasing(t, s, plan) : null);
  if (exactly(t, T.RandomHorizontalFlip) || exactly(t, T.RandomVerticalFlip)) {
    const dim = exactly(t, T.RandomHorizontalFlip) ? 1 : 0;
    return onPil((s, plan) => (plan.push([OP.flip, t.p, dim]), s));
  }
  if (exactly(t, T.ToTensor) || exactly(t, T.PILToTensor)) {
    const toFloat = exactly(t, T.ToTensor);
    return onPil((s, plan) => {
      plan.push([toFloat ? OP.toTensor : OP.pilToTensor]);
      return { ...s, kind: 'tensor', twoD: false, float: toFloat };
    });
  }
  if (exactly(t, T.Normalize)) return (s, plan) => (s.kind === 'tensor' && s.float ? normalize(t, s, plan) : null);
  return null;
}

/**
 * The plan for `transform` (null: no transform) applied to PIL-like images of `shape` (H×W or
 * H×W×C; NaN for a size that varies), or null when the transform cannot run natively.
 */
export function nativePlan(transform: unknown, shape: readonly number[]): number[][] | null {
  if (shape.length !== 2 && shape.length !== 3) return null;
  const c = shape.length === 2 ? 1 : shape[2];
  if (c !== 1 && c !== 3 && c !== 4) return null;
  const plan: number[][] = [];
  if (transform === null || transform === undefined) return plan;
  const step = stepFor(transform);
  const start: ImageState = { kind: 'pil', c, h: shape[0], w: shape[1], twoD: shape.length === 2, float: false };
  const end = step === null ? null : step(start, plan);
  // Images of different sizes cannot be stacked into a batch: that error is the TS path's to raise.
  if (end === null || !sizeKnown(end)) return null;
  return plan;
}
