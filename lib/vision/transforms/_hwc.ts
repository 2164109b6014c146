/**
 * Geometry on PIL-like CPU images (H×W×C or H×W, see _image.ts) in one native call each
 * (native/ops_vision.cc, vision_pil_resample.cc): pad-and-crop without building the padded
 * image, flips, and Pillow's crop-and-resize. Callers check isPilCpu and the preconditions here,
 * and take the composed tensor path otherwise.
 */
import { Tensor } from '../../index';
import { N } from '../../native';
import { markPil, PIL_RESAMPLE } from './_image';
import type { InterpolationMode, PaddingMode } from './_image';

/** Padding modes of the native pad-and-crop (ops_vision.cc PadMode). */
const PAD_MODES: Readonly<Record<string, number>> = { constant: 0, edge: 1, reflect: 2, symmetric: 3 };

/** torchvision's _parse_pad_padding → [left, right, top, bottom]. */
export function parsePadding(padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0], padding[0], padding[0], padding[0]];
  if (padding.length === 2) return [padding[0], padding[0], padding[1], padding[1]];
  if (padding.length === 4) return [padding[0], padding[2], padding[1], padding[3]];
  throw new Error(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`);
}

/**
 * Whether the native pad-and-crop pads an h×w image by [left, right, top, bottom] in `mode` as
 * torchvision does: not for negative padding, an empty image (edge/reflect/symmetric), or a
 * reflection wider than the image (one reflection only), where the composed path decides.
 */
export function nativePadOk(h: number, w: number, lrtb: readonly number[], mode: PaddingMode): boolean {
  if (PAD_MODES[mode] === undefined || Math.min(...lrtb) < 0) return false;
  if (mode === 'constant') return true;
  if (h === 0 || w === 0) return false;
  const lim = mode === 'reflect' ? 1 : mode === 'symmetric' ? 0 : -Infinity;
  return Math.max(lrtb[0], lrtb[1]) <= w - lim && Math.max(lrtb[2], lrtb[3]) <= h - lim;
}

/**
 * crop(pad(img, ltrb, fill, mode), top, left, height, width) in one pass; the box is in padded
 * coordinates and must lie inside the padded image.
 */
export function padCrop(
  img: Tensor,
  ltrb: readonly number[],
  fill: number,
  mode: PaddingMode,
  top: number,
  left: number,
  height: number,
  width: number,
): Tensor {
  return markPil(new Tensor(N.vision_pad_crop(img._h, ltrb, PAD_MODES[mode], fill, top, left, height, width)));
}

/** img.flip(dim) for dim 0 (vertical) or 1 (horizontal), as a contiguous copy. */
export function flipHwc(img: Tensor, dim: 0 | 1): Tensor {
  return markPil(new Tensor(N.vision_flip_hwc(img._h, dim)));
}

/** Image.resize of img[top:top+height, left:left+width] (a box inside the image) to out = [h, w]. */
export function pilResizedCrop(
  img: Tensor,
  top: number,
  left: number,
  height: number,
  width: number,
  out: readonly number[],
  mode: InterpolationMode,
): Tensor {
  const h = N.vision_pil_resized_crop(img._h, top, left, height, width, out[0], out[1], PIL_RESAMPLE[mode]);
  return markPil(new Tensor(h));
}
