/** Tensor factories: torch.tensor, zeros, ones, full, arange, rand, ... and the *_like forms. */
import { N, Handle } from './native';
import {
  dtype,
  bool as boolDtype,
  float32,
  float64,
  get_default_dtype,
  int8,
  int16,
  int32,
  int64,
  uint8,
} from './dtype';
import { argError, TorchError, typeName } from './errors';
import { FactoryOptions, packOptions } from './options';
import { isScalar, Scalar, sizeArgs, Tensor } from './tensor';
import * as G from './generator';

/**
 * Options of the random factories: PyTorch's `generator=` keyword besides dtype/device. Without
 * one, a DataLoader worker thread draws from its own generator (G.thread_generator(): PyTorch's
 * workers are processes with their own default generator), the main thread from the default one.
 */
export interface RandomOptions extends FactoryOptions {
  generator?: G.Generator | null;
}

function generatorOf(opts: RandomOptions | undefined): G.Generator | null {
  return opts?.generator ?? G.thread_generator();
}

function wrap(h: Handle): Tensor {
  return new Tensor(h);
}

/** Nested arrays of numbers / booleans / bigints, as Python's nested lists. */
export type NestedArray = Scalar | readonly NestedArray[];
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigInt64Array;

export function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigUint64Array);
}

const TYPED_DTYPE = new Map<unknown, dtype>([
  [Float32Array, float32],
  [Float64Array, float64],
  [Int8Array, int8],
  [Int16Array, int16],
  [Int32Array, int32],
  [Uint8Array, uint8],
  [Uint8ClampedArray, uint8],
  [BigInt64Array, int64],
]);

/** The dtype PyTorch gives a typed array's elements (uint16/uint32 widen to int32/int64). */
function typedArrayDtype(a: TypedArray): dtype {
  if (a instanceof Uint16Array) return int32;
  if (a instanceof Uint32Array) return int64;
  return TYPED_DTYPE.get(a.constructor) as dtype;
}

/** Types ATen has no dtype for are widened so the addon sees a supported typed array. */
function nativeTypedArray(a: TypedArray): Exclude<TypedArray, Uint16Array | Uint32Array> {
  if (a instanceof Uint16Array) return Int32Array.from(a);
  if (a instanceof Uint32Array) return Float64Array.from(a);
  return a;
}

interface Flattened {
  shape: number[];
  data: Float64Array | BigInt64Array;
  kind: 'bool' | 'int' | 'float';
}

/** Infers the shape, checks it is rectangular, and flattens the values in row-major order. */
function flatten(fn: string, data: NestedArray): Flattened {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  let hasBigint = false;
  let kind = 'bool' as Flattened['kind'];
  const values: Scalar[] = new Array(numel);
  let pos = 0;
  const walk = (v: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v))
        throw new TorchError(
          `expected sequence of length ${shape[depth - 1]} at dim ${depth - 1} (got ${v.length})`,
          'ValueError',
        );
      if (typeof v === 'number') {
        if (kind !== 'float') kind = Number.isInteger(v) && !Object.is(v, -0) ? 'int' : 'float';
      } else if (typeof v === 'bigint') {
        hasBigint = true;
        if (kind === 'bool') kind = 'int';
      } else if (typeof v !== 'boolean') {
        throw new TypeError(`${fn}(): invalid data type '${typeName(v)}'`);
      }
      values[pos++] = v as Scalar;
      return;
    }
    if (!Array.isArray(v))
      throw new TorchError(
        `expected sequence of length ${shape[depth]} at dim ${depth} (got ${typeName(v)})`,
        'ValueError',
      );
    if (v.length !== shape[depth]) {
      throw new TorchError(
        `expected sequence of length ${shape[depth]} at dim ${depth} (got ${v.length})`,
        'ValueError',
      );
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(data, 0);
  if (hasBigint && kind !== 'float') {
    const out = new BigInt64Array(numel);
    for (let i = 0; i < numel; i++) out[i] = BigInt(values[i] as number | bigint | boolean);
    return { shape, data: out, kind };
  }
  const out = new Float64Array(numel);
  for (let i = 0; i < numel; i++) out[i] = Number(values[i]);
  return { shape, data: out, kind: numel === 0 ? 'float' : kind };
}

export type TensorOptions = FactoryOptions;

/**
 * torch.tensor(data, { dtype, device, requires_grad }): always copies. Integer-valued JS numbers
 * infer int64 (Python's ints), any fraction float32 (the default dtype), booleans bool. JS cannot
 * tell `1.0` from `1`: pass `{ dtype: torch.float32 }` or a Float32Array for float data.
 */
export function tensor(data: NestedArray | TypedArray | Tensor, opts?: TensorOptions): Tensor {
  if (data instanceof Tensor) {
    const t = data.detach().clone();
    return opts
      ? t
          .to({ dtype: opts.dtype ?? undefined, device: opts.device ?? undefined })
          .requires_grad_(opts.requires_grad ?? false)
      : t;
  }
  let handle: Handle;
  if (isTypedArray(data)) {
    handle = N.fromTypedArray(nativeTypedArray(data), (opts?.dtype ?? typedArrayDtype(data)).code, [data.length]);
  } else if (isScalar(data) || Array.isArray(data)) {
    const flat = flatten('tensor', data as NestedArray);
    const inferred = flat.kind === 'bool' ? boolDtype : flat.kind === 'int' ? int64 : get_default_dtype();
    handle = N.fromTypedArray(flat.data, (opts?.dtype ?? inferred).code, flat.shape);
  } else {
    throw new TypeError(`tensor(): could not infer dtype of ${typeName(data)}`);
  }
  const t = wrap(handle);
  if (opts && (opts.device != null || opts.requires_grad || opts.pin_memory)) {
    const moved = opts.device != null ? t.to(opts.device) : t;
    const pinned = opts.pin_memory ? moved.pin_memory() : moved;
    return opts.requires_grad ? pinned.requires_grad_(true) : pinned;
  }
  return t;
}

/**
 * torch.as_tensor(data): shares a typed array's memory when no conversion is needed (like
 * torch.as_tensor on a NumPy array); otherwise the same as torch.tensor.
 */
export function as_tensor(data: NestedArray | TypedArray | Tensor, opts?: { dtype?: dtype; device?: string }): Tensor {
  if (data instanceof Tensor) return opts ? data.to({ dtype: opts.dtype, device: opts.device }) : data;
  if (
    isTypedArray(data) &&
    (opts?.dtype ?? typedArrayDtype(data)) === typedArrayDtype(data) &&
    !(data instanceof Uint16Array || data instanceof Uint32Array)
  ) {
    const t = wrap(N.fromBuffer(data, typedArrayDtype(data).code, [data.length], 0));
    return opts?.device ? t.to(opts.device) : t;
  }
  return tensor(data, opts);
}

/** torch.from_numpy's JS counterpart: a tensor sharing the typed array's memory. */
export function from_numpy(data: TypedArray): Tensor {
  if (!isTypedArray(data) || data instanceof Uint16Array || data instanceof Uint32Array) {
    throw argError(
      'from_numpy',
      'ndarray',
      'a Float32Array, Float64Array, Int8/16/32Array, Uint8Array or BigInt64Array',
      data,
    );
  }
  return wrap(N.fromBuffer(data, typedArrayDtype(data).code, [data.length], 0));
}

/**
 * torch.frombuffer(buffer, { dtype, count, offset }): a 1-D tensor sharing the buffer's bytes.
 * The buffer stays alive while the tensor (or any view of it) lives. Do not detach or transfer
 * the ArrayBuffer while tensors use it.
 */
export function frombuffer(
  buffer: ArrayBuffer | TypedArray,
  opts: { dtype: dtype; count?: number; offset?: number },
): Tensor {
  const bytes =
    buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (!opts || !(opts.dtype instanceof dtype)) throw argError('frombuffer', 'dtype', 'torch.dtype', opts?.dtype);
  const offset = opts.offset ?? 0;
  const count = opts.count ?? -1;
  const item = opts.dtype.itemsize;
  if (offset < 0 || offset > bytes.byteLength) {
    throw new TorchError(
      `offset must be non-negative and no greater than buffer length (${bytes.byteLength}) , but got ${offset}`,
      'ValueError',
    );
  }
  const available = bytes.byteLength - offset;
  if (count === -1 && available % item !== 0) {
    throw new TorchError(
      `buffer length (${available} bytes) after offset (${offset} bytes) must be a multiple of element size (${item})`,
      'ValueError',
    );
  }
  const n = count === -1 ? available / item : count;
  if (n * item > available) {
    throw new TorchError(
      `requested buffer length (${n} * ${item} bytes) after offset (${offset} bytes) must not be greater than actual buffer length (${bytes.byteLength} bytes)`,
      'ValueError',
    );
  }
  return wrap(N.fromBuffer(bytes, opts.dtype.code, [n], offset));
}

type SizeArgs = (number | readonly number[] | FactoryOptions)[];
type RandomSizeArgs = (number | readonly number[] | RandomOptions)[];

/** Splits `f(2, 3, opts)` / `f([2, 3], opts)` into sizes and options. */
function sizeAndOptions(fn: string, args: RandomSizeArgs): [number[], RandomOptions | undefined] {
  const last = args[args.length - 1];
  const hasOpts = last !== undefined && typeof last === 'object' && !Array.isArray(last);
  const sizes = hasOpts ? args.slice(0, -1) : args;
  return [sizeArgs(fn, sizes), hasOpts ? (last as RandomOptions) : undefined];
}

/** Floating factories default to the default dtype; an explicit dtype wins. */
function floatOpts(fn: string, o: FactoryOptions | undefined): number {
  return packOptions(fn, o, get_default_dtype());
}

export function zeros(...args: SizeArgs): Tensor {
  const [size, o] = sizeAndOptions('zeros', args);
  return wrap(N.zeros(size, floatOpts('zeros', o)));
}
export function ones(...args: SizeArgs): Tensor {
  const [size, o] = sizeAndOptions('ones', args);
  return wrap(N.ones(size, floatOpts('ones', o)));
}
export function empty(...args: SizeArgs): Tensor {
  const [size, o] = sizeAndOptions('empty', args);
  return wrap(N.empty(size, floatOpts('empty', o)));
}
export function rand(...args: RandomSizeArgs): Tensor {
  const [size, o] = sizeAndOptions('rand', args);
  const g = generatorOf(o);
  return g ? G.rand(size, g, o) : wrap(N.rand(size, floatOpts('rand', o)));
}
export function randn(...args: RandomSizeArgs): Tensor {
  const [size, o] = sizeAndOptions('randn', args);
  const g = generatorOf(o);
  return g ? G.randn(size, g, o) : wrap(N.randn(size, floatOpts('randn', o)));
}

/** torch.full(size, fill_value): the dtype follows the fill value (int64 for integers, bool, float). */
export function full(size: readonly number[], fill_value: Scalar, opts?: FactoryOptions): Tensor {
  const s = sizeArgs('full', [size]);
  if (!isScalar(fill_value)) throw argError('full', 'fill_value', 'Number', fill_value);
  const packed = packOptions(
    'full',
    opts,
    typeof fill_value === 'number' && !Number.isInteger(fill_value) ? get_default_dtype() : undefined,
  );
  return wrap(N.full(s, fill_value, packed));
}

export function eye(n: number, m?: number | FactoryOptions, opts?: FactoryOptions): Tensor {
  if (typeof m === 'object') return eye(n, undefined, m);
  if (!Number.isInteger(n)) throw argError('eye', 'n', 'int', n);
  return wrap(N.eye(n, m ?? null, floatOpts('eye', opts)));
}

/** torch.arange(end) / arange(start, end, step?): int64 for integer arguments, else the default dtype. */
export function arange(
  start: number,
  end?: number | FactoryOptions,
  step?: number | FactoryOptions,
  opts?: FactoryOptions,
): Tensor {
  if (typeof end === 'object') return arange(0, start, 1, end);
  if (typeof step === 'object') return arange(start, end, 1, step);
  const [s, e, st] = end === undefined ? [0, start, 1] : [start, end, step ?? 1];
  for (const [name, v] of [
    ['start', s],
    ['end', e],
    ['step', st],
  ] as const) {
    if (typeof v !== 'number') throw argError('arange', name, 'Number', v);
  }
  const allInt = Number.isInteger(s) && Number.isInteger(e) && Number.isInteger(st);
  return wrap(N.arange(s, e, st, packOptions('arange', opts, allInt ? undefined : get_default_dtype())));
}

export function linspace(start: number, end: number, steps: number, opts?: FactoryOptions): Tensor {
  if (!Number.isInteger(steps)) throw argError('linspace', 'steps', 'int', steps);
  return wrap(N.linspace(start, end, steps, floatOpts('linspace', opts)));
}

/** torch.randint(high, size) / randint(low, high, size). */
export function randint(
  low: number,
  high: number | readonly number[],
  size?: readonly number[] | RandomOptions,
  opts?: RandomOptions,
): Tensor {
  if (Array.isArray(high)) return randint(0, low, high, size as RandomOptions | undefined);
  const s = sizeArgs('randint', [size as readonly number[]]);
  if (!Number.isInteger(low)) throw argError('randint', 'low', 'int', low);
  if (!Number.isInteger(high)) throw argError('randint', 'high', 'int', high);
  const g = generatorOf(opts);
  return g
    ? G.randint(low, high as number, s, g, opts)
    : wrap(N.randint(low, high as number, s, packOptions('randint', opts, int64)));
}

export function randperm(n: number, opts?: RandomOptions): Tensor {
  if (!Number.isInteger(n)) throw argError('randperm', 'n', 'int', n);
  const g = generatorOf(opts);
  return g ? G.randperm(n, g, opts) : wrap(N.randperm(n, packOptions('randperm', opts, int64)));
}

/** torch.normal(mean, std, size?) with Tensor or number mean/std. */
export function normal(
  mean: Tensor | number,
  std: Tensor | number = 1,
  size?: readonly number[],
  opts?: RandomOptions,
): Tensor {
  if (mean instanceof Tensor)
    return wrap(std instanceof Tensor ? N.normal_tt(mean._h, std._h) : N.normal_ts(mean._h, std));
  if (std instanceof Tensor) return wrap(N.normal_st(mean, std._h));
  if (size === undefined) throw new TypeError('normal(): a size is needed when mean and std are numbers');
  const g = generatorOf(opts);
  // With a generator, as ATen's normal(mean, std, size, generator): empty(size).normal_(mean, std, generator).
  if (g) return G.normal_(wrap(N.empty(sizeArgs('normal', [size]), floatOpts('normal', opts))), mean, std, g);
  return wrap(N.normal(mean, std, sizeArgs('normal', [size]), floatOpts('normal', opts)));
}

function likeOpts(fn: string, input: Tensor, o?: FactoryOptions): number {
  if (!(input instanceof Tensor)) throw argError(fn, 'input', 'Tensor', input);
  return packOptions(fn, o);
}

export function zeros_like(input: Tensor, opts?: FactoryOptions): Tensor {
  return wrap(N.zeros_like(input._h, likeOpts('zeros_like', input, opts)));
}
export function ones_like(input: Tensor, opts?: FactoryOptions): Tensor {
  return wrap(N.ones_like(input._h, likeOpts('ones_like', input, opts)));
}
export function empty_like(input: Tensor, opts?: FactoryOptions): Tensor {
  return wrap(N.empty_like(input._h, likeOpts('empty_like', input, opts)));
}
export function full_like(input: Tensor, fill_value: Scalar, opts?: FactoryOptions): Tensor {
  return wrap(N.full_like(input._h, fill_value, likeOpts('full_like', input, opts)));
}
export function rand_like(input: Tensor, opts?: FactoryOptions): Tensor {
  return wrap(N.rand_like(input._h, likeOpts('rand_like', input, opts)));
}
export function randn_like(input: Tensor, opts?: FactoryOptions): Tensor {
  return wrap(N.randn_like(input._h, likeOpts('randn_like', input, opts)));
}
export function randint_like(input: Tensor, low: number, high?: number, opts?: FactoryOptions): Tensor {
  if (high === undefined) return randint_like(input, 0, low, opts);
  return wrap(N.randint_like(input._h, low, high, likeOpts('randint_like', input, opts)));
}

/**
 * torch.manual_seed. In a DataLoader worker thread it seeds that worker's generator only, as
 * manual_seed in a PyTorch worker process leaves the main process's generator alone.
 */
export function manual_seed(seed: number | bigint): void {
  if (typeof seed !== 'bigint' && !Number.isInteger(seed)) throw argError('manual_seed', 'seed', 'int', seed);
  const worker = G.thread_generator();
  if (worker) worker.manual_seed(seed);
  else N.manual_seed(seed);
}

export function initial_seed(): number {
  return N.initial_seed();
}

export function set_num_threads(n: number): void {
  N.set_num_threads(n);
}

export function get_num_threads(): number {
  return N.get_num_threads();
}
