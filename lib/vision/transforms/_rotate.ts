/**
 * rotate: torchvision's tensor path (an inverse affine matrix, a sampling grid built as
 * functional_tensor._gen_affine_grid builds it, and grid_sample), op for op, so values match
 * torchvision's tensor path. A PIL-like image takes the same path in C×H×W view; Pillow's own
 * rotate samples the same grid but may round a few boundary pixels differently.
 */
import * as torch from '../../index';
import { Tensor } from '../../index';
import { N } from '../../native';
import type { Args } from '../../nn/functional';
import { bindArgs, castSqueeze, checkTensor, getDimensions, onChw } from './_image';
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
  const pts = torch.tensor([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], f32);
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

/** _gen_affine_grid: pixel-centre coordinates of the output, mapped through theta, normalised. */
function affineGrid(theta: Tensor, w: number, h: number, ow: number, oh: number): Tensor {
  const dev = { device: theta.device };
  const d = 0.5;
  // linspace runs in the default dtype and is then copied into theta's dtype, as in Python.
  const x = torch.linspace(-ow * 0.5 + d, ow * 0.5 + d - 1, ow, dev).to(theta.dtype).expand(oh, ow);
  const y = torch.linspace(-oh * 0.5 + d, oh * 0.5 + d - 1, oh, dev).to(theta.dtype).unsqueeze(-1).expand(oh, ow);
  const base = torch.stack([x, y, torch.ones([oh, ow], { dtype: theta.dtype, device: theta.device })], -1);
  const rescaled = theta.transpose(1, 2).div(torch.tensor([0.5 * w, 0.5 * h], { dtype: theta.dtype, device: theta.device }));
  return base.view(1, oh * ow, 3).bmm(rescaled).view(1, oh, ow, 2);
}

const GRID_MODES: Record<string, number> = { bilinear: 0, nearest: 1 };

/** _apply_grid_transform: grid_sample with zero padding; a ones channel marks where fill goes. */
function applyGrid(img: Tensor, grid: Tensor, mode: string, fill: readonly number[] | null): Tensor {
  return castSqueeze(img, [grid.dtype], (x0) => {
    let x = x0;
    const g = x.size(0) > 1 ? grid.expand(x.size(0), grid.size(1), grid.size(2), grid.size(3)) : grid;
    if (fill !== null) {
      x = torch.cat([x, torch.ones([x.size(0), 1, x.size(2), x.size(3)], { dtype: x.dtype, device: x.device })], 1);
    }
    x = new Tensor(N.vision_grid_sampler(x._h, g._h, GRID_MODES[mode], 0, false));
    if (fill === null) return x;
    const c = x.size(1) - 1;
    const img2 = x.narrow(1, 0, c);
    const mask = x.narrow(1, c, 1).expand_as(img2);
    const fillImg = torch.tensor([...fill], { dtype: x.dtype, device: x.device }).view(1, fill.length, 1, 1).expand_as(img2);
    if (mode === 'nearest') return fillImg.where(mask.lt(0.5), img2);
    return img2.mul(mask).add(mask.rsub(1.0).mul(fillImg));
  });
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
  const o = bindArgs<RotateOptions>('rotate', ROTATE_KEYS, args, { interpolation: 'nearest', expand: false, center: null, fill: null });
  checkTensor('rotate', img);
  if (typeof angle !== 'number') throw new TypeError('Argument angle should be int or float');
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
    const dt = x.is_floating_point() ? x.dtype : torch.float32;
    const theta = torch.tensor(matrix, { dtype: dt, device: x.device }).reshape(1, 2, 3);
    return applyGrid(x, affineGrid(theta, width, height, ow, oh), o.interpolation, fill);
  });
}
