/**
 * torchvision.transforms.functional (0.14) for torchts: every function takes a tensor image
 * ([..., C, H, W], any dtype) or a PIL-like uint8 HWC image (see _image.ts) and follows the
 * torchvision branch for that kind. Tensor images take `functional_tensor`'s path op for op, so
 * values match torchvision's tensor path; PIL-like images keep their layout and their PIL mark
 * (PIL in, PIL out; see _image.ts). to_pil_image (_to_pil.ts) makes PIL images from CHW tensors.
 *
 * PIL-like inputs and Pillow: crops, flips and pads are exact; on CPU images, brightness,
 * contrast, saturation, hue, grayscale, rotate and resize reproduce Pillow's arithmetic exactly,
 * each in one fused native call (native/ops_vision.cc, vision_pil*.cc), as do RandomCrop's
 * pad-and-crop and RandomResizedCrop's crop-and-resize. (A PIL-like image on a GPU takes tensor
 * ops: exact for the ImageEnhance ops and grayscale, ±1 level for resize, torchvision's tensor
 * path for rotate and hue.)
 *
 * Optional parameters are positional or a trailing options object with torchvision's names:
 *   F.resize(img, [32, 32], 'bilinear')  or  F.resize(img, 32, { antialias: true })
 */
import * as torch from '../../index';
import { Tensor, dtype } from '../../index';
import * as nnF from '../../nn/functional';
import type { Args } from '../../nn/functional';
import {
  bindArgs,
  castSqueeze,
  checkTensor,
  floorDiv,
  getDimensions,
  isPilCpu,
  isPilLike,
  onChw,
  PIL_RESAMPLE,
  pyRound,
} from './_image';
import { N } from '../../native';
import { flipHwc, nativePadOk, padCrop, parsePadding, pilResizedCrop } from './_hwc';
import type { InterpolationMode, PaddingMode } from './_image';
import { pilBrightness, pilContrast, pilSaturation, pilToGrayscale } from './_pil';

export { getDimensions as get_dimensions, isPilLike as is_pil_like, InterpolationMode } from './_image';
export type { PaddingMode } from './_image';
export { to_pil_image } from './_to_pil';
export type { NdArrayLike } from './_to_pil';

export function get_image_size(img: Tensor): [number, number] {
  const [, h, w] = getDimensions(img);
  return [w, h];
}

export function get_image_num_channels(img: Tensor): number {
  return getDimensions(img)[0];
}

// ------------------------------------------------------------------ conversions

/**
 * to_tensor(pic): HWC (or 2-D) → CHW; uint8 becomes the default float dtype in [0, 1], other
 * dtypes are only transposed (torchvision's ndarray branch).
 */
export function to_tensor(pic: Tensor): Tensor {
  checkTensor('to_tensor', pic);
  const shape = pic.shape;
  if (shape.length !== 2 && shape.length !== 3) {
    throw new TypeError(`pic should be 2/3 dimensional. Got ${shape.length} dimensions.`);
  }
  if (pic.dtype !== torch.uint8) {
    return (shape.length === 2 ? pic.unsqueeze(2) : pic).permute(2, 0, 1).contiguous();
  }
  // torchvision's permute().contiguous().to(float).div(255) with one new tensor instead of four:
  // copy_ converts uint8 to float as to() does (into a contiguous CHW tensor, whatever the input's
  // strides), and the in-place division runs the same kernel as div. Per-image calls add up in
  // data loading (see docs/benchmarks.md, bench/lenet_epoch).
  const [h, w, c] = shape.length === 2 ? [shape[0], shape[1], 1] : shape;
  const img = torch.empty([c, h, w], { dtype: torch.get_default_dtype(), device: pic.device });
  img.copy_(shape.length === 2 ? pic : pic.permute(2, 0, 1));
  return img.div_(255);
}

/** pil_to_tensor(pic): HWC (or 2-D) uint8 → CHW uint8, values unchanged. */
export function pil_to_tensor(pic: Tensor): Tensor {
  checkTensor('pil_to_tensor', pic);
  if (pic.dim() !== 2 && pic.dim() !== 3)
    throw new TypeError(`pic should be 2/3 dimensional. Got ${pic.dim()} dimensions.`);
  return (pic.dim() === 2 ? pic.unsqueeze(2) : pic).permute(2, 0, 1).contiguous();
}

function maxValue(dt: dtype): number {
  if (dt === torch.uint8) return 255;
  if (dt === torch.int8) return 127;
  if (dt === torch.int16) return 32767;
  if (dt === torch.int32) return 2147483647;
  if (dt === torch.int64) return 9223372036854775807;
  return 1;
}

/** convert_image_dtype(image, dtype=torch.float): rescales between integer ranges and [0, 1]. */
export function convert_image_dtype(image: Tensor, dt: dtype = torch.float32): Tensor {
  checkTensor('convert_image_dtype', image);
  if (image.dtype === dt) return image;
  if (image.is_floating_point()) {
    if (dt.is_floating_point) return image.to(dt);
    if (
      (image.dtype === torch.float32 && (dt === torch.int32 || dt === torch.int64)) ||
      (image.dtype === torch.float64 && dt === torch.int64)
    ) {
      throw new Error(`The cast from torch.${image.dtype.name} to torch.${dt.name} cannot be performed safely.`);
    }
    // eps keeps 1.0 below max + 1 so the truncating cast spreads [0, 1] evenly over the ints.
    return image.mul(maxValue(dt) + 1.0 - 1e-3).to(dt);
  }
  const inputMax = maxValue(image.dtype);
  if (dt.is_floating_point) return image.to(dt).div(inputMax);
  const outputMax = maxValue(dt);
  if (inputMax > outputMax) {
    const factor = Math.floor((inputMax + 1) / (outputMax + 1));
    return image.div(factor, { rounding_mode: 'floor' }).to(dt);
  }
  return image.to(dt).mul(Math.floor((outputMax + 1) / (inputMax + 1)));
}

/** mean and std as [C, 1, 1] tensors of one dtype and device, std checked for zeros. */
interface NormalizeStats {
  mean: Tensor;
  std: Tensor;
}

/**
 * Normalize's constant tensors by dtype, device and values: built and checked once instead of per
 * image (5 native calls and 4 tensors each time). Kept from torch.scope (a scope must not dispose
 * a cache entry) and bounded; evicted entries are left to the GC.
 */
const normalizeStats = new Map<string, NormalizeStats>();
const MAX_NORMALIZE_STATS = 32;

function statsFor(dt: dtype, dev: torch.device, mean: readonly number[], std: readonly number[]): NormalizeStats {
  const key = `${dt.code}|${dev.code}|${mean.join(',')}|${std.join(',')}`;
  const hit = normalizeStats.get(key);
  if (hit) return hit;
  const opts = { dtype: dt, device: dev };
  const m = torch.tensor([...mean], opts);
  const s = torch.tensor([...std], opts);
  if (s.eq(0).any().item()) {
    throw new Error(`std evaluated to zero after conversion to torch.${dt.name}, leading to division by zero.`);
  }
  const stats = { mean: torch.keep(m.view(-1, 1, 1)), std: torch.keep(s.view(-1, 1, 1)) };
  if (normalizeStats.size >= MAX_NORMALIZE_STATS) normalizeStats.delete(normalizeStats.keys().next().value as string);
  normalizeStats.set(key, stats);
  return stats;
}

/** normalize(tensor, mean, std, inplace=False): (x - mean) / std per channel of [..., C, H, W]. */
export function normalize(t: Tensor, mean: readonly number[], std: readonly number[], inplace = false): Tensor {
  checkTensor('normalize', t);
  const dt = t.dtype;
  if (!dt.is_floating_point) throw new TypeError(`Input tensor should be a float tensor. Got torch.${dt.name}.`);
  if (t.dim() < 3) {
    throw new Error(
      `Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${t.shape.join(', ')}]`,
    );
  }
  const out = inplace ? t : t.clone();
  const { mean: m, std: s } = statsFor(dt, t.device, mean, std);
  return out.sub_(m).div_(s);
}

// ------------------------------------------------------------------ geometry

/** torchvision's _compute_resized_output_size. */
export function resizedOutputSize(
  h: number,
  w: number,
  size: readonly number[],
  maxSize: number | null,
): [number, number] {
  if (size.length !== 1) return [size[0], size[1]];
  const [short, long] = w <= h ? [w, h] : [h, w];
  const requested = size[0];
  let [newShort, newLong] = [requested, Math.trunc((requested * long) / short)];
  if (maxSize !== null) {
    if (maxSize <= requested) {
      throw new Error(
        `max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = [${requested}]`,
      );
    }
    if (newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

export interface ResizeOptions {
  interpolation?: InterpolationMode;
  max_size?: number | null;
  antialias?: boolean | null;
}
const RESIZE_KEYS = ['interpolation', 'max_size', 'antialias'] as const;

/**
 * resize(img, size, interpolation='bilinear', max_size=None, antialias=None). Tensor images:
 * F.interpolate as torchvision (antialias None means False). PIL-like images: Pillow's resampling
 * (see resizePil), antialias ignored as torchvision ignores it for PIL images.
 */
export function resize(
  img: Tensor,
  size: number | readonly number[],
  ...args: Args<ResizeOptions, typeof RESIZE_KEYS>
): Tensor {
  const o = bindArgs<ResizeOptions>('resize', RESIZE_KEYS, args, {
    interpolation: 'bilinear',
    max_size: null,
    antialias: null,
  });
  checkTensor('resize', img);
  const sizes = typeof size === 'number' ? [size] : [...size];
  if (sizes.length !== 1 && sizes.length !== 2) {
    throw new Error(`Size must be an int or a 1 or 2 element tuple/list, not a ${sizes.length} element tuple/list`);
  }
  if (o.max_size !== null && sizes.length !== 1) {
    throw new Error(
      'max_size should only be passed if size specifies the length of the smaller edge, ' +
        'i.e. size should be an int or a sequence of length 1 in torchscript mode.',
    );
  }
  const [, h, w] = getDimensions(img);
  const out = resizedOutputSize(h, w, sizes, o.max_size);
  if (out[0] === h && out[1] === w) return img;
  const mode = o.interpolation;
  if (isPilLike(img)) return resizePil(img, out, mode);
  if (o.antialias && mode !== 'bilinear' && mode !== 'bicubic') {
    throw new Error('Antialias option is supported for bilinear and bicubic interpolation modes only');
  }
  return resizeTensor(img, out, mode, Boolean(o.antialias));
}

/** functional_tensor.resize: F.interpolate on a float copy, rounded back for integer images. */
function resizeTensor(img: Tensor, out: readonly number[], mode: InterpolationMode, antialias: boolean): Tensor {
  return castSqueeze(img, [torch.float32, torch.float64], (x) => {
    const alignCorners = mode === 'nearest' ? null : false;
    const y = nnF.interpolate(x, { size: [...out], mode, align_corners: alignCorners, antialias });
    return mode === 'bicubic' && img.dtype === torch.uint8 ? y.clamp(0, 255) : y;
  });
}

/**
 * Pillow's NEAREST resize (ImagingScaleAffine): source index trunc(s/2 + k*s), accumulated in
 * double as Pillow does, so index tables (one per axis, not per pixel) give its exact bytes.
 */
function pillowNearestIndex(nIn: number, nOut: number, device: torch.device): Tensor {
  const scale = nIn / nOut;
  const idx: number[] = [];
  for (let k = 0, v = scale * 0.5; k < nOut; k++, v += scale) idx.push(Math.min(Math.trunc(v), nIn - 1));
  return torch.tensor(idx, { dtype: torch.int64, device });
}

/**
 * A PIL-like image resized as Pillow does. On the CPU, Pillow's own resampling natively
 * (native/vision_pil_resample.cc): exact bytes. Elsewhere: NEAREST exactly; BILINEAR/BICUBIC with
 * antialiased kernels (Pillow always antialiases), BICUBIC in Pillow's two passes (horizontal
 * first) with the intermediate rounded to uint8 as Pillow stores it; both within ±1 level of
 * Pillow (which uses fixed-point weights).
 */
function resizePil(img: Tensor, out: readonly number[], mode: InterpolationMode): Tensor {
  if (isPilCpu(img) && PIL_RESAMPLE[mode] !== undefined && out[0] >= 1 && out[1] >= 1) {
    const [, h, w] = getDimensions(img);
    if (h >= 1 && w >= 1) return pilResizedCrop(img, 0, 0, h, w, out, mode);
  }
  return onChw(img, (chw) => {
    const [h, w] = [chw.size(-2), chw.size(-1)];
    if (mode === 'nearest') {
      return chw
        .index_select(-2, pillowNearestIndex(h, out[0], chw.device))
        .index_select(-1, pillowNearestIndex(w, out[1], chw.device));
    }
    if (mode === 'bilinear') return resizeTensor(chw, out, mode, true);
    const x = w === out[1] ? chw : resizeTensor(chw, [h, out[1]], mode, true);
    return h === out[0] ? x : resizeTensor(x, out, mode, true);
  });
}

/** Symmetric padding by gathering mirrored row/column indices (torchvision's _pad_symmetric). */
function padSymmetric(img: Tensor, p: [number, number, number, number]): Tensor {
  let x = img;
  if (p.some((v) => v < 0)) {
    const [cl, cr, ct, cb] = p.map((v) => -Math.min(v, 0));
    const H = x.size(-2);
    const W = x.size(-1);
    x = x.narrow(-2, ct, H - ct - cb).narrow(-1, cl, W - cl - cr);
    p = p.map((v) => Math.max(v, 0)) as [number, number, number, number];
  }
  const mirror = (n: number, before: number, after: number): Tensor => {
    const idx: number[] = [];
    for (let i = before - 1; i >= 0; i--) idx.push(i);
    for (let i = 0; i < n; i++) idx.push(i);
    for (let i = 0; i < after; i++) idx.push(n - 1 - i);
    return torch.tensor(idx, { dtype: torch.int64, device: x.device });
  };
  const cols = mirror(x.size(-1), p[0], p[1]);
  const rows = mirror(x.size(-2), p[2], p[3]);
  return x.index_select(-2, rows).index_select(-1, cols);
}

function padChw(img: Tensor, padding: number | readonly number[], fill: number, mode: PaddingMode): Tensor {
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) {
    throw new Error('Padding mode should be either constant, edge, reflect or symmetric');
  }
  const p = parsePadding(padding);
  if (mode === 'symmetric') return padSymmetric(img, p);
  const squeeze = img.dim() < 4;
  let x = squeeze ? img.unsqueeze(0) : img;
  const outDtype = x.dtype;
  // reflect/replicate kernels are float-only: pad a float copy and cast back (exact for uint8).
  const cast = mode !== 'constant' && outDtype !== torch.float32 && outDtype !== torch.float64;
  if (cast) x = x.to(torch.float32);
  x = mode === 'constant' ? nnF.pad(x, p, 'constant', fill) : nnF.pad(x, p, mode === 'edge' ? 'replicate' : 'reflect');
  if (squeeze) x = x.squeeze(0);
  return cast ? x.to(outDtype) : x;
}

/**
 * pad on a PIL-like CPU image in one native pass (no C×H×W round trip), or null where the
 * composed path must decide (negative padding, a reflection wider than the image, an empty
 * image, a bad mode): its result or error is torchvision's.
 */
function padPil(img: Tensor, padding: number | readonly number[], fill: number, mode: PaddingMode): Tensor | null {
  const [l, r, t, b] = parsePadding(padding);
  const [, h, w] = getDimensions(img);
  if (!nativePadOk(h, w, [l, r, t, b], mode)) return null;
  return padCrop(img, [l, t, r, b], fill, mode, 0, 0, h + t + b, w + l + r);
}

/** pad(img, padding, fill=0, padding_mode='constant'): padding is int, [lr, tb] or [l, t, r, b]. */
export function pad(
  img: Tensor,
  padding: number | readonly number[],
  fill: number | null = 0,
  padding_mode: PaddingMode = 'constant',
): Tensor {
  checkTensor('pad', img);
  const fast = isPilCpu(img) ? padPil(img, padding, fill ?? 0, padding_mode) : null;
  return fast ?? onChw(img, (chw) => padChw(chw, padding, fill ?? 0, padding_mode));
}

/** crop(img, top, left, height, width): zero-pads where the box leaves the image. */
export function crop(img: Tensor, top: number, left: number, height: number, width: number): Tensor {
  checkTensor('crop', img);
  if (isPilCpu(img) && height >= 0 && width >= 0) {
    // Zero padding where the box leaves the image, then the box: one native pass.
    const [, h, w] = getDimensions(img);
    const ltrb = [Math.max(-left, 0), Math.max(-top, 0), Math.max(left + width - w, 0), Math.max(top + height - h, 0)];
    return padCrop(img, ltrb, 0, 'constant', top + ltrb[1], left + ltrb[0], height, width);
  }
  return onChw(img, (x) => {
    const h = x.size(-2);
    const w = x.size(-1);
    const right = left + width;
    const bottom = top + height;
    if (left < 0 || top < 0 || right > w || bottom > h) {
      const t0 = Math.max(top, 0);
      const l0 = Math.max(left, 0);
      const inner = x
        .narrow(-2, t0, Math.max(Math.min(bottom, h) - t0, 0))
        .narrow(-1, l0, Math.max(Math.min(right, w) - l0, 0));
      const ltrb = [
        Math.max(-left + Math.min(0, right), 0),
        Math.max(-top + Math.min(0, bottom), 0),
        Math.max(right - Math.max(w, left), 0),
        Math.max(bottom - Math.max(h, top), 0),
      ];
      return padChw(inner, ltrb, 0, 'constant');
    }
    return x.narrow(-2, top, height).narrow(-1, left, width);
  });
}

/** center_crop(img, output_size): pads with 0 when the crop is larger than the image. */
export function center_crop(img: Tensor, output_size: number | readonly number[]): Tensor {
  checkTensor('center_crop', img);
  const [ch, cw] =
    typeof output_size === 'number'
      ? [output_size, output_size]
      : output_size.length === 1
        ? [output_size[0], output_size[0]]
        : [output_size[0], output_size[1]];
  let [, h, w] = getDimensions(img);
  let x = img;
  if (cw > w || ch > h) {
    const ltrb = [
      cw > w ? floorDiv(cw - w, 2) : 0,
      ch > h ? floorDiv(ch - h, 2) : 0,
      cw > w ? floorDiv(cw - w + 1, 2) : 0,
      ch > h ? floorDiv(ch - h + 1, 2) : 0,
    ];
    x = pad(x, ltrb, 0);
    [, h, w] = getDimensions(x);
    if (cw === w && ch === h) return x;
  }
  return crop(x, pyRound((h - ch) / 2), pyRound((w - cw) / 2), ch, cw);
}

/** resized_crop(img, top, left, height, width, size, interpolation='bilinear', antialias=None) */
export function resized_crop(
  img: Tensor,
  top: number,
  left: number,
  height: number,
  width: number,
  size: number | readonly number[],
  interpolation: InterpolationMode = 'bilinear',
  antialias: boolean | null = null,
): Tensor {
  checkTensor('crop', img);
  const pil = isPilCpu(img) && PIL_RESAMPLE[interpolation] !== undefined;
  if (pil && top >= 0 && left >= 0 && height >= 1 && width >= 1) {
    // A box inside the image: crop and Image.resize in one native pass (the crop is a view).
    const [, h, w] = getDimensions(img);
    const sizes = typeof size === 'number' ? [size] : [...size];
    if (top + height <= h && left + width <= w && (sizes.length === 1 || sizes.length === 2)) {
      const out = resizedOutputSize(height, width, sizes, null);
      if (out[0] >= 1 && out[1] >= 1) return pilResizedCrop(img, top, left, height, width, out, interpolation);
    }
  }
  return resize(crop(img, top, left, height, width), size, { interpolation, antialias });
}

export function hflip(img: Tensor): Tensor {
  checkTensor('hflip', img);
  if (isPilCpu(img)) return flipHwc(img, 1); // W is dim 1 of H×W(×C)
  return onChw(img, (x) => x.flip(-1));
}

export function vflip(img: Tensor): Tensor {
  checkTensor('vflip', img);
  if (isPilCpu(img)) return flipHwc(img, 0);
  return onChw(img, (x) => x.flip(-2));
}

export { rotate, get_inverse_affine_matrix as _get_inverse_affine_matrix } from './_rotate';
export type { RotateOptions } from './_rotate';

// ------------------------------------------------------------------ colour

function checkChannels(img: Tensor, permitted: number[]): void {
  const c = getDimensions(img)[0];
  if (!permitted.includes(c)) {
    throw new TypeError(`Input image tensor permitted channel values are [${permitted.join(', ')}], but found ${c}`);
  }
}

// Tensor images: each colour op is one native call making functional_tensor's ATen calls in its
// order (native/vision_tensor.cc): _blend(img, degenerate, factor), the degenerate being black
// (brightness), the grayscale mean (contrast) or the grayscale image (saturation).
const BRIGHTNESS = 0;
const CONTRAST = 1;
const SATURATION = 2;

/** rgb_to_grayscale(img, num_output_channels=1): 0.2989 R + 0.587 G + 0.114 B (PIL-like: Pillow's L). */
export function rgb_to_grayscale(img: Tensor, num_output_channels = 1): Tensor {
  checkTensor('rgb_to_grayscale', img);
  if (num_output_channels !== 1 && num_output_channels !== 3)
    throw new Error('num_output_channels should be either 1 or 3');
  if (isPilLike(img)) return pilToGrayscale(img, num_output_channels);
  if (img.dim() < 3)
    throw new TypeError(`Input image tensor should have at least 3 dimensions, but found ${img.dim()}`);
  checkChannels(img, [1, 3]);
  return new Tensor(N.vision_grayscale(img._h, num_output_channels));
}

export const to_grayscale = rgb_to_grayscale;

export function adjust_brightness(img: Tensor, brightness_factor: number): Tensor {
  checkTensor('adjust_brightness', img);
  if (brightness_factor < 0) throw new Error(`brightness_factor (${brightness_factor}) is not non-negative.`);
  if (isPilLike(img)) return pilBrightness(img, brightness_factor);
  checkChannels(img, [1, 3]);
  return new Tensor(N.vision_adjust_color(img._h, BRIGHTNESS, brightness_factor));
}

export function adjust_contrast(img: Tensor, contrast_factor: number): Tensor {
  checkTensor('adjust_contrast', img);
  if (contrast_factor < 0) throw new Error(`contrast_factor (${contrast_factor}) is not non-negative.`);
  if (isPilLike(img)) return pilContrast(img, contrast_factor);
  checkChannels(img, [3, 1]);
  return new Tensor(N.vision_adjust_color(img._h, CONTRAST, contrast_factor));
}

export function adjust_saturation(img: Tensor, saturation_factor: number): Tensor {
  checkTensor('adjust_saturation', img);
  if (saturation_factor < 0) throw new Error(`saturation_factor (${saturation_factor}) is not non-negative.`);
  if (isPilLike(img)) return getDimensions(img)[0] === 1 ? img : pilSaturation(img, saturation_factor);
  checkChannels(img, [1, 3]);
  if (getDimensions(img)[0] === 1) return img;
  return new Tensor(N.vision_adjust_color(img._h, SATURATION, saturation_factor));
}

export { adjust_hue } from './_hue';

// ------------------------------------------------------------------ erasing

/** erase(img, i, j, h, w, v, inplace=False): img[..., i:i+h, j:j+w] = v, v broadcast (tensor images). */
export function erase(
  img: Tensor,
  i: number,
  j: number,
  h: number,
  w: number,
  v: Tensor | number,
  inplace = false,
): Tensor {
  checkTensor('erase', img);
  const out = inplace ? img : img.clone();
  const region = out.narrow(-2, i, h).narrow(-1, j, w);
  if (v instanceof Tensor) region.copy_(v);
  else region.fill_(v);
  return out;
}
