/**
 * Image kinds and small helpers shared by the transforms.
 *
 * torchts has no PIL. A "PIL-like image" is a uint8 tensor in HWC layout (H×W×C with C in 1, 3, 4)
 * or a 2-D uint8 H×W grayscale image, as datasets return them; a "tensor image" is torchvision's
 * [..., C, H, W] tensor of any dtype. Where torchvision branches on `isinstance(img, Tensor)`,
 * these helpers branch on `isPilLike`.
 *
 * What an image IS decides its kind, not its shape: the built-in datasets, to_pil_image and every
 * op that turns a PIL image into a PIL image mark their output (markPil), so a 3-pixel-high RGB
 * image (3×W×3) stays a PIL image through a Compose chain. Only unmarked tensors (user code) are
 * classified by shape, as before.
 */
import * as torch from '../../index';
import { Tensor, dtype } from '../../index';
import { thread_generator, uniform_ } from '../../generator';
import { N } from '../../native';
import type { Handle } from '../../native';

/** PIL's channel counts for the modes torchvision meets: L, RGB, RGBA. */
const PIL_CHANNELS = [1, 3, 4];

/**
 * The PIL images: a WeakSet of Tensor objects rather than a property on them, so a Tensor's hidden
 * class never changes (no polymorphic property access anywhere else), nothing shows on the object,
 * and an entry goes when its image is collected. A mark belongs to one Tensor object: views,
 * copies and tensors sent to another thread are unmarked, as they are new objects.
 */
const PIL_IMAGES = new WeakSet<Tensor>();

/** A uint8 H×W or H×W×C (C in 1, 3, 4) tensor: the layouts a PIL image has here. */
function hasPilLayout(img: Tensor): boolean {
  if (img.dtype !== torch.uint8) return false;
  const d = img.dim();
  return d === 2 || (d === 3 && PIL_CHANNELS.includes(img.size(2)));
}

/**
 * Marks `img` as a PIL image (in place, and returns it): one WeakSet insertion, no native call.
 * The layout is checked where the mark is read, so a mark on a tensor of another layout (or one
 * reshaped in place since) never makes it a PIL image.
 */
export function markPil(img: Tensor): Tensor {
  PIL_IMAGES.add(img);
  return img;
}

/** Whether `img` carries the PIL mark (and still has a PIL layout: in-place reshapes drop out). */
export function isMarkedPil(img: Tensor): boolean {
  return PIL_IMAGES.has(img) && hasPilLayout(img);
}

/**
 * True for a PIL image: a marked one, or an unmarked uint8 tensor whose shape reads as HWC (or
 * 2-D). For unmarked tensors, one whose first AND last dimension are both channel counts (e.g.
 * 3×H×3) is taken as a CHW tensor image: torchvision's tensor convention wins the tie. Images
 * from the datasets, to_pil_image and the transforms are marked, so the tie only meets user tensors.
 */
export function isPilLike(img: Tensor): boolean {
  if (PIL_IMAGES.has(img)) return hasPilLayout(img);
  if (img.dtype !== torch.uint8) return false;
  const d = img.dim();
  if (d === 2) return true;
  if (d !== 3) return false;
  return PIL_CHANNELS.includes(img.size(2)) && !PIL_CHANNELS.includes(img.size(0));
}

/** A PIL-like image on the CPU: the fused natives (ops_vision.cc, vision_pil*.cc) take these. */
export function isPilCpu(img: Tensor): boolean {
  return img instanceof Tensor && isPilLike(img) && !img.is_cuda;
}

export function checkTensor(fn: string, img: unknown): Tensor {
  if (!(img instanceof Tensor)) throw new TypeError(`${fn}: img should be a Tensor image or a uint8 HWC image`);
  return img;
}

/** [channels, height, width] as torchvision's F.get_dimensions reports them for either kind. */
export function getDimensions(img: Tensor): [number, number, number] {
  const s = img.shape;
  if (isPilLike(img)) return img.dim() === 2 ? [1, s[0], s[1]] : [s[2], s[0], s[1]];
  if (img.dim() < 2) throw new TypeError('Tensor is not a torch image.');
  const n = s.length;
  return [n === 2 ? 1 : s[n - 3], s[n - 2], s[n - 1]];
}

/**
 * Runs a tensor-image op on either kind: a PIL-like image is viewed as C×H×W (a permute, no
 * copy), transformed, and turned back into the same layout (geometric ops: PIL in, PIL out).
 */
export function onChw(img: Tensor, op: (chw: Tensor) => Tensor): Tensor {
  if (!isPilLike(img)) return op(img);
  if (img.dim() === 2) return markPil(op(img.unsqueeze(0)).squeeze(0));
  return markPil(
    op(img.permute(2, 0, 1))
      .permute(1, 2, 0)
      .contiguous(),
  );
}

/** Python's round(): half to even (center_crop and the get_params helpers depend on it). */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Python's `//` on ints. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

// The random draws go through thread_generator(): null (the global generator) on the main
// thread; in a DataLoader worker, that worker's own generator seeded base_seed + worker_id.
// Each draw is one native call making the same ATen calls as Python (factory, draw, item).

/** The generator handle for the natives: null means the default generator. */
export function genHandle(): Handle | null {
  const g = thread_generator();
  return g === null ? null : g._g;
}

/** `torch.randint(low, high, size=(1,)).item()` as a JS number. */
export function randintItem(low: number, high: number): number {
  return Number(N.vision_randint(low, high, genHandle()));
}

/** `torch.empty(1).uniform_(a, b)`: one draw in the default dtype. */
export function uniformTensor(a: number, b: number): Tensor {
  return uniform_(torch.empty(1), a, b, thread_generator());
}

/** `torch.empty(1).uniform_(a, b).item()`: a default-dtype draw widened to a double, as in Python. */
export function uniformItem(a: number, b: number): number {
  return N.vision_uniform(a, b, torch.get_default_dtype().code, genHandle()) as number;
}

/** `torch.rand(1) < p`: the comparison runs in the default dtype, as Python's does. */
export function randLess(p: number): boolean {
  return N.vision_rand_less(p, torch.get_default_dtype().code, genHandle()) as boolean;
}

/** torchvision's _setup_size: an int or a 1- or 2-sequence becomes [h, w]. */
export function setupSize(size: number | readonly number[], errorMsg: string): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length !== 2) throw new TypeError(errorMsg);
  return [size[0], size[1]];
}

/** torchvision's InterpolationMode (the tensor-path modes). */
export const InterpolationMode = { NEAREST: 'nearest', BILINEAR: 'bilinear', BICUBIC: 'bicubic' } as const;
export type InterpolationMode = (typeof InterpolationMode)[keyof typeof InterpolationMode];
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** Pillow's resample codes (Image.Resampling) for the modes its rotate and resize take. */
export const PIL_RESAMPLE: Readonly<Record<string, number>> = { nearest: 0, bilinear: 2, bicubic: 3 };

function isKeywords(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Python's binding of optional arguments: positionals in order, then keywords, then defaults. */
export function bindArgs<O extends object>(
  fn: string,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
  defaults: Required<O>,
): Required<O> {
  const out: Record<string, unknown> = { ...defaults };
  const last = args[args.length - 1];
  const positional = isKeywords(last) ? args.slice(0, -1) : args;
  if (positional.length > names.length) throw new TypeError(`${fn}() takes at most ${names.length} optional arguments`);
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]] = v;
  });
  if (isKeywords(last)) {
    for (const [k, v] of Object.entries(last)) {
      if (!names.includes(k as keyof O & string))
        throw new TypeError(`${fn}() got an unexpected keyword argument '${k}'`);
      if (v !== undefined) out[k] = v;
    }
  }
  return out as Required<O>;
}

/**
 * _cast_squeeze_in / _cast_squeeze_out: float-only kernels run on a 4-D copy in req[0] when the
 * dtype is not in req; integer results are rounded before the cast back.
 */
export function castSqueeze(img: Tensor, req: readonly dtype[], op: (x: Tensor) => Tensor): Tensor {
  const squeeze = img.dim() < 4;
  let x = squeeze ? img.unsqueeze(0) : img;
  const outDtype = x.dtype;
  const cast = !req.includes(outDtype);
  if (cast) x = x.to(req[0]);
  let y = op(x);
  if (squeeze) y = y.squeeze(0);
  if (cast) {
    if (!outDtype.is_floating_point && outDtype !== torch.bool) y = y.round();
    y = y.to(outDtype);
  }
  return y;
}
