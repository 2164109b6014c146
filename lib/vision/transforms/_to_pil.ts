/**
 * to_pil_image (torchvision 0.14): a C×H×W tensor, or an H×W×C ndarray, becomes a PIL image, here
 * a marked uint8 H×W×C (H×W for mode L) CPU tensor (see _image.ts). torchvision's checks, mode
 * rules and messages; of Pillow's modes, torchts' PIL images hold L, RGB and RGBA (uint8).
 */
import * as torch from '../../index';
import { Tensor, TorchError } from '../../index';
import { typeName } from '../../errors';
import type { TypedArray } from '../../creation';
import { isMarkedPil, markPil } from './_image';

/**
 * An ndarray in HWC (or H×W) layout: its elements in C order and its shape, e.g.
 * `{ data: x.numpy(), shape: x.shape }`. Its dtype is the typed array's (Uint8Array: uint8).
 */
export interface NdArrayLike {
  readonly data: TypedArray;
  readonly shape: readonly number[];
}

/** The PIL modes torchts' images hold. */
const SUPPORTED_MODES = ['L', 'RGB', 'RGBA'];

function isNdArrayLike(v: unknown): v is NdArrayLike {
  if (v === null || typeof v !== 'object' || !('data' in v) || !('shape' in v)) return false;
  return ArrayBuffer.isView(v.data) && !(v.data instanceof DataView) && Array.isArray(v.shape);
}

const ARRAY_DTYPES: Readonly<Record<string, torch.dtype>> = {
  Uint8Array: torch.uint8,
  Uint8ClampedArray: torch.uint8,
  Int8Array: torch.int8,
  Int16Array: torch.int16,
  Int32Array: torch.int32,
  BigInt64Array: torch.int64,
  Float32Array: torch.float32,
  Float64Array: torch.float64,
};

/**
 * numpy's dtype for a typed array, by its tag rather than its constructor: typed arrays made by
 * the addon (x.numpy()) may come from another realm (a vm context, as under Jest).
 */
function arrayDtype(a: TypedArray): torch.dtype {
  const name = Object.prototype.toString.call(a).slice(8, -1);
  const dt = ARRAY_DTYPES[name];
  if (dt === undefined) throw new TypeError(`Input type ${name.replace('Array', '').toLowerCase()} is not supported`);
  return dt;
}

/** The ndarray branch's input as an H×W×C tensor: an ndarray-like's elements, or a PIL image's array. */
function hwcFromArray(pic: Tensor | NdArrayLike): Tensor {
  const shape = pic instanceof Tensor ? pic.shape : [...pic.shape];
  if (shape.length !== 2 && shape.length !== 3) {
    throw new TorchError(`pic should be 2/3 dimensional. Got ${shape.length} dimensions.`, 'ValueError');
  }
  let arr: Tensor;
  if (pic instanceof Tensor) {
    arr = pic;
  } else {
    const n = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((s) => Number.isInteger(s) && s >= 0) || pic.data.length !== n) {
      throw new TorchError(
        `cannot reshape array of size ${pic.data.length} into shape (${shape.join(', ')})`,
        'ValueError',
      );
    }
    arr = torch.tensor(pic.data, { dtype: arrayDtype(pic.data) }).view(...shape);
  }
  if (shape.length === 2) arr = arr.unsqueeze(2);
  if (arr.size(2) > 4)
    throw new TorchError(`pic should not have > 4 channels. Got ${arr.size(2)} channels.`, 'ValueError');
  return arr;
}

/** The tensor branch's input as H×W×C: floats scaled by 255 and truncated to uint8 (unless mode F). */
function hwcFromTensor(pic: Tensor, mode: string | null): Tensor {
  const d = pic.dim();
  if (d !== 2 && d !== 3) throw new TorchError(`pic should be 2/3 dimensional. Got ${d} dimensions.`, 'ValueError');
  let chw = d === 2 ? pic.unsqueeze(0) : pic;
  if (chw.size(0) > 4)
    throw new TorchError(`pic should not have > 4 channels. Got ${chw.size(0)} channels.`, 'ValueError');
  if (chw.is_floating_point() && mode !== 'F') chw = chw.mul(255).byte();
  return chw.detach().cpu().permute(1, 2, 0);
}

/** torchvision's mode rules: the mode for an H×W×C array of this dtype, or its error. */
function pilMode(hwc: Tensor, mode: string | null): string {
  const c = hwc.size(2);
  const u8 = hwc.dtype === torch.uint8;
  const permitted = (modes: string[], what: string): void => {
    if (mode !== null && !modes.includes(mode)) {
      const list = modes.map((m) => `'${m}'`).join(', ');
      throw new TorchError(`Only modes [${list}] are supported for ${what} inputs`, 'ValueError');
    }
  };
  if (c === 1) {
    const byDtype: Record<string, string> = { uint8: 'L', int16: 'I;16', int32: 'I', float32: 'F' };
    const expected = byDtype[hwc.dtype.name] ?? null;
    if (mode !== null && mode !== expected) {
      // torchvision's message names np.dtype (the class), not the array's dtype.
      throw new TorchError(
        `Incorrect mode (${mode}) supplied for input type <class 'numpy.dtype'>. Should be ${expected ?? 'None'}`,
        'ValueError',
      );
    }
    mode = expected;
  } else if (c === 2) {
    permitted(['LA'], '2D');
    if (mode === null && u8) mode = 'LA';
  } else if (c === 4) {
    permitted(['RGBA', 'CMYK', 'RGBX'], '4D');
    if (mode === null && u8) mode = 'RGBA';
  } else {
    permitted(['RGB', 'YCbCr', 'HSV'], '3D');
    if (mode === null && u8) mode = 'RGB';
  }
  if (mode === null) throw new TypeError(`Input type ${hwc.dtype.name} is not supported`);
  return mode;
}

/**
 * to_pil_image(pic, mode=None): a C×H×W (or H×W) tensor, an H×W×C (or H×W) ndarray-like, or a PIL
 * image (its array, as np.asarray(img) would give) → a marked uint8 PIL image on the CPU:
 * H×W×C, or H×W for mode L. Float tensors become uint8 as torchvision's `pic.mul(255).byte()`.
 */
export function to_pil_image(pic: Tensor | NdArrayLike, mode: string | null = null): Tensor {
  let hwc: Tensor;
  if (pic instanceof Tensor) hwc = isMarkedPil(pic) ? hwcFromArray(pic) : hwcFromTensor(pic, mode);
  else if (isNdArrayLike(pic)) hwc = hwcFromArray(pic);
  else throw new TypeError(`pic should be Tensor or ndarray. Got ${typeName(pic)}.`);
  const m = pilMode(hwc, mode);
  if (!SUPPORTED_MODES.includes(m) || hwc.dtype !== torch.uint8) {
    throw new TorchError(
      `to_pil_image: mode ${m} on ${hwc.dtype.name} data is not supported: torchts' PIL images are uint8 L, RGB or RGBA`,
      'ValueError',
    );
  }
  if (hwc.size(2) === 0) throw new TorchError('not enough image data', 'ValueError');
  const img = m === 'L' ? hwc.select(2, 0) : hwc;
  // One copy into a new contiguous CPU image: the result never shares memory with `pic`.
  return markPil(torch.empty(img.shape, { dtype: torch.uint8 }).copy_(img));
}
