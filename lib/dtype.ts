/** torch.dtype: the element types torchts supports, with c10::ScalarType codes. */
import { inspect } from 'util';

export class dtype {
  /** @internal */
  constructor(
    /** PyTorch's name without the `torch.` prefix: 'float32', 'int64', ... */
    readonly name: string,
    /** The c10::ScalarType value the addon uses. */
    readonly code: number,
    readonly itemsize: number,
    readonly is_floating_point: boolean,
    readonly is_signed: boolean,
  ) {}

  toString(): string {
    return `torch.${this.name}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export const uint8 = new dtype('uint8', 0, 1, false, false);
export const int8 = new dtype('int8', 1, 1, false, true);
export const int16 = new dtype('int16', 2, 2, false, true);
export const int32 = new dtype('int32', 3, 4, false, true);
export const int64 = new dtype('int64', 4, 8, false, true);
export const float16 = new dtype('float16', 5, 2, true, true);
export const float32 = new dtype('float32', 6, 4, true, true);
export const float64 = new dtype('float64', 7, 8, true, true);
export const bool = new dtype('bool', 11, 1, false, false);
export const bfloat16 = new dtype('bfloat16', 15, 2, true, true);

// PyTorch's aliases.
export const half = float16;
export const float = float32;
export const double = float64;
export const short = int16;
export const int = int32;
export const long = int64;

const byCode: dtype[] = [];
for (const d of [uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16]) byCode[d.code] = d;

/** The dtype for a c10::ScalarType code returned by the addon. */
export function dtypeFromCode(code: number): dtype {
  const d = byCode[code];
  if (!d) throw new Error(`torchts: unsupported scalar type code ${code}`);
  return d;
}

let defaultDtype: dtype = float32;
export function get_default_dtype(): dtype {
  return defaultDtype;
}
export function set_default_dtype(d: dtype): void {
  if (!(d instanceof dtype) || !d.is_floating_point) {
    throw new TypeError('only floating-point types are supported as the default type');
  }
  defaultDtype = d;
}
