/**
 * rotate: torchvision's tensor path (an inverse affine matrix, a sampling grid built as
 * functional_tensor._gen_affine_grid builds it, and grid_sample), op for op (the grid and the
 * sampling in one native call), so values match torchvision's tensor path. A PIL-like CPU image
 * takes torchvision's PIL path instead: Pillow's Image.rotate, reproduced natively
 * (native/vision_pil_rotate.cc), bytes equal to Pillow's.
 */
import * as torch from '../../index';
import { Tensor } from '../../index';
import { N } from '../../native';
import type { Args } from '../../nn/functional';
import { bindArgs, checkTensor, getDimensions, isPilCpu, markPil, onChw, PIL_RESAMPLE } from './_image';
import type { InterpolationMode } from './_image';

/** _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True) */
export function get_inverse_affine_matrix(
  center: readonly number[],
  angle: number,
  translate: readonly number[],
  scale: number,
  shear: readonly number[],
): number[] {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const [rot, sx, sy] = [rad(angle), rad(shear[0]), rad(shear[1])];
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0.0, -c, a, 0.0].map((x) => x / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

/** _compute_affine_output_size, in float32 tensors as torchvision computes it (same ceil/floor). */
function affineOutputSize(matrix: number[], w: number, h: number): [number, number] {
  const f32 = { dtype: torch.float32 };
  const pts = torch.tensor(
    [
      [-0.5 * w, -0.5 * h, 1.0],
      [-0.5 * w, 0.5 * h, 1.0],
      [0.5 * w, 0.5 * h, 1.0],
      [0.5 * w, -0.5 * h, 1.0],
    ],
    f32,
  );
  const theta = torch.tensor(matrix, f32).view(2, 3);
  const newPts = torch.matmul(pts, theta.t());
  const half = torch.tensor([w * 0.5, h * 0.5], f32);
  const minVals = newPts.min(0).values.add(half);
  const maxVals = newPts.max(0).values.add(half);
  const tol = 1e-4;
  const cmax = maxVals.div(tol).trunc().mul(tol).ceil();
  const cmin = minVals.div(tol).trunc().mul(tol).floor();
  const size = cmax.sub(cmin).toTypedArray() as Float32Array;
  return [Math.trunc(size[0]), Math.trunc(size[1])];
}

/** ATen's grid_sampler interpolation codes. */
const GRID_MODES: Record<string, number> = { bilinear: 0, nearest: 1 };

/** F_pil.rotate: _parse_fill (None is 0, one value per band, int()), then Image.rotate. */
function rotatePil(img: Tensor, angle: number, o: Required<RotateOptions>): Tensor {
  const bands = getDimensions(img)[0];
  const fill = o.fill ?? 0;
  if (typeof fill !== 'number' && fill.length !== bands) {
    throw new Error(
      `The number of elements in 'fill' does not match the number of bands of the image (${fill.length} != ${bands})`,
    );
  }
  const fills = (typeof fill === 'number' ? new Array<number>(bands).fill(fill) : [...fill]).map(Math.trunc);
  const resample = PIL_RESAMPLE[o.interpolation];
  if (resample === undefined) throw new Error(`Unknown resampling filter (${o.interpolation}).`);
  const [cx, cy] = o.center === null ? [NaN, NaN] : [o.center[0], o.center[1]];
  return markPil(new Tensor(N.vision_pil_rotate(img._h, angle, resample, o.expand, cx, cy, fills)));
}

export interface RotateOptions {
  interpolation?: InterpolationMode;
  expand?: boolean;
  center?: readonly number[] | null;
  fill?: number | readonly number[] | null;
}
const ROTATE_KEYS = ['interpolation', 'expand', 'center', 'fill'] as const;

/** rotate(img, angle, interpolation='nearest', expand=False, center=None, fill=None): counter-clockwise degrees. */
export function rotate(img: Tensor, angle: number, ...args: Args<RotateOptions, typeof ROTATE_KEYS>): Tensor {
  const o = bindArgs<RotateOptions>('rotate', ROTATE_KEYS, args, {
    interpolation: 'nearest',
    expand: false,
    center: null,
    fill: null,
  });
  checkTensor('rotate', img);
  if (typeof angle !== 'number') throw new TypeError('Argument angle should be int or float');
  if (isPilCpu(img)) return rotatePil(img, angle, o);
  if (o.interpolation !== 'nearest' && o.interpolation !== 'bilinear') {
    throw new Error(`Interpolation mode '${o.interpolation}' is unsupported with Tensor input`);
  }
  const [channels, height, width] = getDimensions(img);
  const centerF = o.center === null ? [0.0, 0.0] : [o.center[0] - width * 0.5, o.center[1] - height * 0.5];
  // torchvision negates the angle: affine and rotate disagree on the direction.
  const matrix = get_inverse_affine_matrix(centerF, -angle, [0.0, 0.0], 1.0, [0.0, 0.0]);
  const fill = o.fill === null ? null : typeof o.fill === 'number' ? [o.fill] : [...o.fill];
  if (fill !== null && fill.length > 1 && fill.length !== channels) {
    throw new Error(
      `The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fill.length} != ${channels})`,
    );
  }
  return onChw(img, (x) => {
    const [ow, oh] = o.expand ? affineOutputSize(matrix, width, height) : [width, height];
    // _gen_affine_grid + _apply_grid_transform in one native call (ops_vision.cc AffineGridSample):
    // torchvision's ATen calls in its order, the base grid cached per size.
    const mode = GRID_MODES[o.interpolation];
    const dt = torch.get_default_dtype().code; // the dtype linspace runs in
    return new Tensor(N.vision_affine_grid_sample(x._h, matrix, ow, oh, mode, fill, dt));
  });
}
