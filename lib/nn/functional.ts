/**
 * torch.nn.functional: PyTorch 1.13's signatures, defaults and semantics.
 *
 * Parameters after the required ones are taken positionally, as a trailing options object with
 * PyTorch's keyword names, or both, as in Python:
 *
 *   F.conv2d(x, w, b, 1, 1)                      // F.conv2d(x, w, b, 1, 1)
 *   F.conv2d(x, w, b, { stride: 1, padding: 1 }) // F.conv2d(x, w, b, stride=1, padding=1)
 *
 * Each function calls the ATen entry point Python's torch.nn.functional reaches, so values and
 * autograd node names match Python. Python-side checks (ValueError and friends) are reproduced
 * here with Python's wording; libtorch's own checks surface as TorchError. Python's warnings
 * (deprecated arguments, implicit softmax dim) are not emitted.
 */
import { N, Handle } from '../native';
import { dtype } from '../dtype';
import { argError, TorchError } from '../errors';
import { Tensor, ValuesIndices, valuesIndices } from '../tensor';

// ------------------------------------------------------------------ argument binding

/** The positional form of the optional parameters named by K (their types taken from O). */
type Positional<O, K extends readonly (keyof O)[]> = { -readonly [I in keyof K]: O[K[I] & keyof O] };
/** Every prefix of a tuple: [] | [A] | [A, B] | ... */
type Prefixes<P extends readonly unknown[]> = P extends readonly [...infer H, unknown] ? P | Prefixes<H> : [];
/**
 * The optional parameters of a function: any number of them positionally, optionally followed by
 * an options object (Python's keyword arguments).
 */
export type Args<O, K extends readonly (keyof O)[]> =
  Prefixes<Positional<O, K>> extends infer X ? (X extends readonly unknown[] ? X | [...X, O] : never) : never;

/** A plain object (`{ stride: 2 }`): the keyword arguments. Tensors, arrays, dtypes are not. */
function isKeywords(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Binds the optional arguments like Python does: positionals in order, then keywords, then
 * defaults (undefined counts as not given). `required` is the number of parameters before them.
 */
function bind<O extends object>(
  fn: string,
  required: number,
  names: readonly (keyof O & string)[],
  args: readonly unknown[],
  defaults: Required<O>,
): Required<O> {
  const out: Record<string, unknown> = { ...defaults };
  const last = args[args.length - 1];
  const keywords = isKeywords(last) ? last : {};
  const positional = isKeywords(last) ? args.slice(0, -1) : args;
  if (positional.length > names.length) {
    throw new TypeError(
      `${fn}() takes from ${required} to ${required + names.length} positional arguments ` +
        `but ${required + positional.length} were given`,
    );
  }
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]] = v;
  });
  for (const [k, v] of Object.entries(keywords)) {
    const i = names.indexOf(k as keyof O & string);
    if (i < 0) throw new TypeError(`${fn}() got an unexpected keyword argument '${k}'`);
    if (i < positional.length) throw new TypeError(`${fn}() got multiple values for argument '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  return out as Required<O>;
}

// ------------------------------------------------------------------ argument checks

export type IntOrTuple = number | readonly number[];
export type Reduction = 'none' | 'mean' | 'sum';

function wrap(h: Handle): Tensor {
  return new Tensor(h);
}

function tensor(fn: string, name: string, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  throw argError(fn, name, 'Tensor', v);
}

/** An optional Tensor parameter (None -> null) as the addon takes it. */
function optTensor(fn: string, name: string, v: unknown): Handle | null {
  if (v === null || v === undefined) return null;
  return tensor(fn, name, v)._h;
}

function int(fn: string, name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw argError(fn, name, 'int', v);
}

function optInt(fn: string, name: string, v: unknown): number | null {
  return v === null || v === undefined ? null : int(fn, name, v);
}

function float(fn: string, name: string, v: unknown): number {
  if (typeof v === 'number') return v;
  throw argError(fn, name, 'float', v);
}

function bool(fn: string, name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw argError(fn, name, 'bool', v);
}

function str(fn: string, name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  throw argError(fn, name, 'str', v);
}

function optDtype(fn: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof dtype) return v.code;
  throw argError(fn, 'dtype', 'torch.dtype', v);
}

/** `int[n]` parameters: an int stands for n copies of itself (Python's argument parser). */
function ints(fn: string, name: string, v: unknown, n: number): number[] {
  if (typeof v === 'number' && Number.isInteger(v)) return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return [...(v as number[])];
  throw argError(fn, name, 'tuple of ints', v);
}

function valueError(message: string): TorchError {
  return new TorchError(message, 'ValueError');
}

/** Python's repr of a torch.Size, for messages. */
function sizeRepr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** Python's repr of a list of numbers or None, for messages. */
function listRepr(xs: readonly (number | null)[]): string {
  return `[${xs.map((x) => (x === null ? 'None' : String(x))).join(', ')}]`;
}

// torch.nn._reduction
function reductionEnum(reduction: unknown): number {
  switch (reduction) {
    case 'none':
      return 0;
    case 'mean':
    case 'elementwise_mean': // deprecated alias (Python warns)
      return 1;
    case 'sum':
      return 2;
    default:
      throw valueError(`${String(reduction)} is not a valid value for reduction`);
  }
}

/** The deprecated size_average / reduce pair, when either is given, overrides `reduction`. */
function legacyReduction(size_average: boolean | null, reduce: boolean | null): Reduction {
  const average = size_average ?? true;
  if (reduce ?? true) return average ? 'mean' : 'sum';
  return 'none';
}

interface LegacyReduction {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: string;
}

function lossReduction(fn: string, o: Required<LegacyReduction>): number {
  const sizeAverage = o.size_average === null ? null : bool(fn, 'size_average', o.size_average);
  const reduce = o.reduce === null ? null : bool(fn, 'reduce', o.reduce);
  if (sizeAverage !== null || reduce !== null) return reductionEnum(legacyReduction(sizeAverage, reduce));
  return reductionEnum(o.reduction);
}

const LEGACY_DEFAULTS = { size_average: null, reduce: null, reduction: 'mean' } as const;

// ------------------------------------------------------------------ convolution and linear

export interface ConvOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  /** Sizes, or 'same' / 'valid'. */
  padding?: IntOrTuple | 'same' | 'valid';
  dilation?: IntOrTuple;
  groups?: number;
}
const CONV_KEYS = ['bias', 'stride', 'padding', 'dilation', 'groups'] as const;

function conv(fn: 'conv1d' | 'conv2d', n: number, input: Tensor, weight: Tensor, args: readonly unknown[]): Tensor {
  const o = bind<ConvOptions>(fn, 2, CONV_KEYS, args, { bias: null, stride: 1, padding: 0, dilation: 1, groups: 1 });
  const x = tensor(fn, 'input', input)._h;
  const w = tensor(fn, 'weight', weight)._h;
  const b = optTensor(fn, 'bias', o.bias);
  const stride = ints(fn, 'stride', o.stride, n);
  const dilation = ints(fn, 'dilation', o.dilation, n);
  const groups = int(fn, 'groups', o.groups);
  // Python has two overloads: padding as sizes, or as a string ('same' / 'valid').
  if (typeof o.padding === 'string') return wrap(N[`nn_${fn}_s`](x, w, b, stride, o.padding, dilation, groups));
  return wrap(N[`nn_${fn}`](x, w, b, stride, ints(fn, 'padding', o.padding, n), dilation, groups));
}

/** conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) */
export function conv1d(input: Tensor, weight: Tensor, ...args: Args<ConvOptions, typeof CONV_KEYS>): Tensor {
  return conv('conv1d', 1, input, weight, args);
}

/** conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) */
export function conv2d(input: Tensor, weight: Tensor, ...args: Args<ConvOptions, typeof CONV_KEYS>): Tensor {
  return conv('conv2d', 2, input, weight, args);
}

export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  output_padding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}
const CONV_T_KEYS = ['bias', 'stride', 'padding', 'output_padding', 'groups', 'dilation'] as const;

/** conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1) */
export function conv_transpose2d(
  input: Tensor,
  weight: Tensor,
  ...args: Args<ConvTransposeOptions, typeof CONV_T_KEYS>
): Tensor {
  const fn = 'conv_transpose2d';
  const o = bind<ConvTransposeOptions>(fn, 2, CONV_T_KEYS, args, {
    bias: null,
    stride: 1,
    padding: 0,
    output_padding: 0,
    groups: 1,
    dilation: 1,
  });
  return wrap(
    N.nn_conv_transpose2d(
      tensor(fn, 'input', input)._h,
      tensor(fn, 'weight', weight)._h,
      optTensor(fn, 'bias', o.bias),
      ints(fn, 'stride', o.stride, 2),
      ints(fn, 'padding', o.padding, 2),
      ints(fn, 'output_padding', o.output_padding, 2),
      int(fn, 'groups', o.groups),
      ints(fn, 'dilation', o.dilation, 2),
    ),
  );
}

export interface BiasOptions {
  bias?: Tensor | null;
}
const BIAS_KEYS = ['bias'] as const;

/** linear(input, weight, bias=None) */
export function linear(input: Tensor, weight: Tensor, ...args: Args<BiasOptions, typeof BIAS_KEYS>): Tensor {
  const o = bind<BiasOptions>('linear', 2, BIAS_KEYS, args, { bias: null });
  return wrap(
    N.nn_linear(
      tensor('linear', 'input', input)._h,
      tensor('linear', 'weight', weight)._h,
      optTensor('linear', 'bias', o.bias),
    ),
  );
}

/** bilinear(input1, input2, weight, bias=None) */
export function bilinear(
  input1: Tensor,
  input2: Tensor,
  weight: Tensor,
  ...args: Args<BiasOptions, typeof BIAS_KEYS>
): Tensor {
  const fn = 'bilinear';
  const o = bind<BiasOptions>(fn, 3, BIAS_KEYS, args, { bias: null });
  return wrap(
    N.nn_bilinear(
      tensor(fn, 'input1', input1)._h,
      tensor(fn, 'input2', input2)._h,
      tensor(fn, 'weight', weight)._h,
      optTensor(fn, 'bias', o.bias),
    ),
  );
}

// ------------------------------------------------------------------ activations

export interface InplaceOptions {
  inplace?: boolean;
}
const INPLACE_KEYS = ['inplace'] as const;

/**
 * An activation without parameters: `inplace` runs the `_` variant and returns the input itself,
 * as Python does.
 */
function activation(fn: string, input: Tensor, args: readonly unknown[], op: string): Tensor {
  const o = bind<InplaceOptions>(fn, 1, INPLACE_KEYS, args, { inplace: false });
  const x = tensor(fn, 'input', input);
  if (!bool(fn, 'inplace', o.inplace)) return wrap(N[op](x._h));
  N[`${op}_`](x._h);
  return x;
}

/** relu(input, inplace=False) */
export function relu(input: Tensor, ...args: Args<InplaceOptions, typeof INPLACE_KEYS>): Tensor {
  return activation('relu', input, args, 'relu');
}

/** relu_(input): in place, returns input. */
export function relu_(input: Tensor): Tensor {
  return tensor('relu_', 'input', input).relu_();
}

/** relu6(input, inplace=False) */
export function relu6(input: Tensor, ...args: Args<InplaceOptions, typeof INPLACE_KEYS>): Tensor {
  return activation('relu6', input, args, 'nn_relu6');
}

/** silu(input, inplace=False) */
export function silu(input: Tensor, ...args: Args<InplaceOptions, typeof INPLACE_KEYS>): Tensor {
  return activation('silu', input, args, 'nn_silu');
}

/** mish(input, inplace=False) */
export function mish(input: Tensor, ...args: Args<InplaceOptions, typeof INPLACE_KEYS>): Tensor {
  return activation('mish', input, args, 'nn_mish');
}

/** hardswish(input, inplace=False) */
export function hardswish(input: Tensor, ...args: Args<InplaceOptions, typeof INPLACE_KEYS>): Tensor {
  return activation('hardswish', input, args, 'nn_hardswish');
}

export interface LeakyReluOptions {
  negative_slope?: number;
  inplace?: boolean;
}
const LEAKY_RELU_KEYS = ['negative_slope', 'inplace'] as const;

/** leaky_relu(input, negative_slope=0.01, inplace=False) */
export function leaky_relu(input: Tensor, ...args: Args<LeakyReluOptions, typeof LEAKY_RELU_KEYS>): Tensor {
  const fn = 'leaky_relu';
  const o = bind<LeakyReluOptions>(fn, 1, LEAKY_RELU_KEYS, args, { negative_slope: 0.01, inplace: false });
  const x = tensor(fn, 'input', input);
  const slope = float(fn, 'negative_slope', o.negative_slope);
  if (!bool(fn, 'inplace', o.inplace)) return wrap(N.nn_leaky_relu(x._h, slope));
  N.nn_leaky_relu_(x._h, slope);
  return x;
}

export interface EluOptions {
  alpha?: number;
  inplace?: boolean;
}
const ELU_KEYS = ['alpha', 'inplace'] as const;

/** elu(input, alpha=1.0, inplace=False) */
export function elu(input: Tensor, ...args: Args<EluOptions, typeof ELU_KEYS>): Tensor {
  const o = bind<EluOptions>('elu', 1, ELU_KEYS, args, { alpha: 1.0, inplace: false });
  const x = tensor('elu', 'input', input);
  const alpha = float('elu', 'alpha', o.alpha);
  if (!bool('elu', 'inplace', o.inplace)) return wrap(N.nn_elu(x._h, alpha));
  N.nn_elu_(x._h, alpha);
  return x;
}

export interface HardtanhOptions {
  min_val?: number;
  max_val?: number;
  inplace?: boolean;
}
const HARDTANH_KEYS = ['min_val', 'max_val', 'inplace'] as const;

/** hardtanh(input, min_val=-1., max_val=1., inplace=False) */
export function hardtanh(input: Tensor, ...args: Args<HardtanhOptions, typeof HARDTANH_KEYS>): Tensor {
  const fn = 'hardtanh';
  const o = bind<HardtanhOptions>(fn, 1, HARDTANH_KEYS, args, { min_val: -1, max_val: 1, inplace: false });
  const x = tensor(fn, 'input', input);
  const lo = float(fn, 'min_val', o.min_val);
  const hi = float(fn, 'max_val', o.max_val);
  if (!bool(fn, 'inplace', o.inplace)) return wrap(N.nn_hardtanh(x._h, lo, hi));
  N.nn_hardtanh_(x._h, lo, hi);
  return x;
}

/** gelu(input, *, approximate='none'): `approximate` is keyword-only in PyTorch. */
export function gelu(input: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  if (!isKeywords(opts)) throw new TypeError('gelu() takes 1 positional argument but 2 were given');
  const o = bind<{ approximate?: string }>('gelu', 1, ['approximate'], [opts], { approximate: 'none' });
  return wrap(N.nn_gelu(tensor('gelu', 'input', input)._h, str('gelu', 'approximate', o.approximate)));
}

/** sigmoid(input) (deprecated in favor of torch.sigmoid; the warning is not emitted) */
export function sigmoid(input: Tensor): Tensor {
  return tensor('sigmoid', 'input', input).sigmoid();
}

/** tanh(input) (deprecated in favor of torch.tanh; the warning is not emitted) */
export function tanh(input: Tensor): Tensor {
  return tensor('tanh', 'input', input).tanh();
}

export interface SoftmaxOptions {
  dim?: number | null;
  /** Accepted for positional compatibility with Python (`softmax(input, dim, _stacklevel, dtype)`); unused. */
  _stacklevel?: number;
  dtype?: dtype | null;
}
const SOFTMAX_KEYS = ['dim', '_stacklevel', 'dtype'] as const;

/** PyTorch's legacy `_get_softmax_dim` for dim=None (its deprecation warning omitted). */
function softmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

function softmaxLike(fn: string, op: string, input: Tensor, args: readonly unknown[]): Tensor {
  const o = bind<SoftmaxOptions>(fn, 1, SOFTMAX_KEYS, args, { dim: null, _stacklevel: 3, dtype: null });
  const x = tensor(fn, 'input', input);
  const dim = o.dim === null ? softmaxDim(x.dim()) : int(fn, 'dim', o.dim);
  return wrap(N[op](x._h, dim, optDtype(fn, o.dtype)));
}

/** softmax(input, dim=None, _stacklevel=3, dtype=None) */
export function softmax(input: Tensor, ...args: Args<SoftmaxOptions, typeof SOFTMAX_KEYS>): Tensor {
  return softmaxLike('softmax', 'nn_softmax', input, args);
}

/** log_softmax(input, dim=None, _stacklevel=3, dtype=None) */
export function log_softmax(input: Tensor, ...args: Args<SoftmaxOptions, typeof SOFTMAX_KEYS>): Tensor {
  return softmaxLike('log_softmax', 'nn_log_softmax', input, args);
}

// ------------------------------------------------------------------ pooling

/** The result type of functions with `return_indices`: `[out, indices]` when it is true. */
export type MaybeIndices<R extends boolean> = R extends true ? ValuesIndices : Tensor;

export interface MaxPool2dOptions<R extends boolean = boolean> {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceil_mode?: boolean;
  return_indices?: R;
}
const MAX_POOL_KEYS = ['stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'] as const;

/**
 * max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False).
 * stride defaults to kernel_size; with return_indices the result is `[out, indices]`.
 */
export function max_pool2d<R extends boolean = false>(
  input: Tensor,
  kernel_size: IntOrTuple,
  ...args: Args<MaxPool2dOptions<R>, typeof MAX_POOL_KEYS>
): MaybeIndices<R> {
  const fn = 'max_pool2d';
  const o = bind<MaxPool2dOptions>(fn, 2, MAX_POOL_KEYS, args, {
    stride: null,
    padding: 0,
    dilation: 1,
    ceil_mode: false,
    return_indices: false,
  });
  const call = [
    tensor(fn, 'input', input)._h,
    ints(fn, 'kernel_size', kernel_size, 2),
    o.stride === null ? [] : ints(fn, 'stride', o.stride, 2), // [] means kernel_size in ATen
    ints(fn, 'padding', o.padding, 2),
    ints(fn, 'dilation', o.dilation, 2),
    bool(fn, 'ceil_mode', o.ceil_mode),
  ];
  if (bool(fn, 'return_indices', o.return_indices)) {
    return valuesIndices(N.nn_max_pool2d_with_indices(...call)) as MaybeIndices<R>;
  }
  return wrap(N.nn_max_pool2d(...call)) as MaybeIndices<R>;
}

export interface AvgPool2dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}
const AVG_POOL_KEYS = ['stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'] as const;

/**
 * avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
 * divisor_override=None)
 */
export function avg_pool2d(
  input: Tensor,
  kernel_size: IntOrTuple,
  ...args: Args<AvgPool2dOptions, typeof AVG_POOL_KEYS>
): Tensor {
  const fn = 'avg_pool2d';
  const o = bind<AvgPool2dOptions>(fn, 2, AVG_POOL_KEYS, args, {
    stride: null,
    padding: 0,
    ceil_mode: false,
    count_include_pad: true,
    divisor_override: null,
  });
  return wrap(
    N.nn_avg_pool2d(
      tensor(fn, 'input', input)._h,
      ints(fn, 'kernel_size', kernel_size, 2),
      o.stride === null ? [] : ints(fn, 'stride', o.stride, 2),
      ints(fn, 'padding', o.padding, 2),
      bool(fn, 'ceil_mode', o.ceil_mode),
      bool(fn, 'count_include_pad', o.count_include_pad),
      optInt(fn, 'divisor_override', o.divisor_override),
    ),
  );
}

/** An adaptive pooling size: an int, or one entry per pooled dimension (null keeps the input's size). */
export type AdaptiveSize = number | readonly (number | null)[];

/** PyTorch's `_list_with_default`: null entries take the input's size; an int means n copies. */
function adaptiveSize(fn: string, size: unknown, inputShape: readonly number[], n: number): number[] {
  if (typeof size === 'number') return ints(fn, 'output_size', size, n);
  if (!Array.isArray(size)) throw argError(fn, 'output_size', 'tuple of ints', size);
  if (inputShape.length <= size.length) throw valueError(`Input dimension should be at least ${size.length + 1}`);
  const defaults = inputShape.slice(-size.length);
  return ints(
    fn,
    'output_size',
    size.map((v: unknown, i) => (v === null || v === undefined ? defaults[i] : v)),
    n,
  );
}

/** adaptive_avg_pool2d(input, output_size) */
export function adaptive_avg_pool2d(input: Tensor, output_size: AdaptiveSize): Tensor {
  const x = tensor('adaptive_avg_pool2d', 'input', input);
  return wrap(N.nn_adaptive_avg_pool2d(x._h, adaptiveSize('adaptive_avg_pool2d', output_size, x.shape, 2)));
}

export interface AdaptiveMaxPoolOptions<R extends boolean = boolean> {
  return_indices?: R;
}
const RETURN_INDICES_KEYS = ['return_indices'] as const;

/** adaptive_max_pool2d(input, output_size, return_indices=False); with return_indices: `[out, indices]`. */
export function adaptive_max_pool2d<R extends boolean = false>(
  input: Tensor,
  output_size: AdaptiveSize,
  ...args: Args<AdaptiveMaxPoolOptions<R>, typeof RETURN_INDICES_KEYS>
): MaybeIndices<R> {
  const fn = 'adaptive_max_pool2d';
  const o = bind<AdaptiveMaxPoolOptions>(fn, 2, RETURN_INDICES_KEYS, args, { return_indices: false });
  const x = tensor(fn, 'input', input);
  const withIndices = bool(fn, 'return_indices', o.return_indices);
  const pair: [Handle, Handle] = N.nn_adaptive_max_pool2d(x._h, adaptiveSize(fn, output_size, x.shape, 2));
  if (withIndices) return valuesIndices(pair) as MaybeIndices<R>;
  // Python computes both and drops the indices: release them now rather than at the next GC.
  N.dispose(pair[1]);
  return wrap(pair[0]) as MaybeIndices<R>;
}

// ------------------------------------------------------------------ normalization

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}
const BATCH_NORM_KEYS = ['weight', 'bias', 'training', 'momentum', 'eps'] as const;

/** Python's _verify_batch_size; `shown` is how Python prints the size it checked. */
function verifyBatchSize(size: readonly number[], shown: string): void {
  let prod = size[0];
  for (let i = 2; i < size.length; i++) prod *= size[i];
  if (prod === 1) throw valueError(`Expected more than 1 value per channel when training, got input size ${shown}`);
}

/** batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5) */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  ...args: Args<BatchNormOptions, typeof BATCH_NORM_KEYS>
): Tensor {
  const fn = 'batch_norm';
  const o = bind<BatchNormOptions>(fn, 3, BATCH_NORM_KEYS, args, {
    weight: null,
    bias: null,
    training: false,
    momentum: 0.1,
    eps: 1e-5,
  });
  const x = tensor(fn, 'input', input);
  const training = bool(fn, 'training', o.training);
  if (training) verifyBatchSize(x.shape, sizeRepr(x.shape));
  return wrap(
    N.nn_batch_norm(
      x._h,
      optTensor(fn, 'weight', o.weight),
      optTensor(fn, 'bias', o.bias),
      optTensor(fn, 'running_mean', running_mean),
      optTensor(fn, 'running_var', running_var),
      training,
      float(fn, 'momentum', o.momentum),
      float(fn, 'eps', o.eps),
    ),
  );
}

export interface InstanceNormOptions {
  running_mean?: Tensor | null;
  running_var?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  use_input_stats?: boolean;
  momentum?: number;
  eps?: number;
}
const INSTANCE_NORM_KEYS = [
  'running_mean',
  'running_var',
  'weight',
  'bias',
  'use_input_stats',
  'momentum',
  'eps',
] as const;

/**
 * instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
 * momentum=0.1, eps=1e-5)
 */
export function instance_norm(input: Tensor, ...args: Args<InstanceNormOptions, typeof INSTANCE_NORM_KEYS>): Tensor {
  const fn = 'instance_norm';
  const o = bind<InstanceNormOptions>(fn, 1, INSTANCE_NORM_KEYS, args, {
    running_mean: null,
    running_var: null,
    weight: null,
    bias: null,
    use_input_stats: true,
    momentum: 0.1,
    eps: 1e-5,
  });
  const x = tensor(fn, 'input', input);
  const useInputStats = bool(fn, 'use_input_stats', o.use_input_stats);
  if (useInputStats) {
    // Python's _verify_spatial_size
    const spatial = x.shape.slice(2).reduce((a, b) => a * b, 1);
    if (spatial === 1) {
      throw valueError(`Expected more than 1 spatial element when training, got input size ${sizeRepr(x.shape)}`);
    }
  }
  return wrap(
    N.nn_instance_norm(
      x._h,
      optTensor(fn, 'weight', o.weight),
      optTensor(fn, 'bias', o.bias),
      optTensor(fn, 'running_mean', o.running_mean),
      optTensor(fn, 'running_var', o.running_var),
      useInputStats,
      float(fn, 'momentum', o.momentum),
      float(fn, 'eps', o.eps),
    ),
  );
}

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}
const NORM_AFFINE_KEYS = ['weight', 'bias', 'eps'] as const;

/** layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5) */
export function layer_norm(
  input: Tensor,
  normalized_shape: readonly number[],
  ...args: Args<LayerNormOptions, typeof NORM_AFFINE_KEYS>
): Tensor {
  const fn = 'layer_norm';
  const o = bind<LayerNormOptions>(fn, 2, NORM_AFFINE_KEYS, args, { weight: null, bias: null, eps: 1e-5 });
  // int[] without a size: unlike int[2] parameters, Python does not accept a bare int here.
  if (!Array.isArray(normalized_shape)) throw argError(fn, 'normalized_shape', 'tuple of ints', normalized_shape);
  return wrap(
    N.nn_layer_norm(
      tensor(fn, 'input', input)._h,
      ints(fn, 'normalized_shape', normalized_shape, 1),
      optTensor(fn, 'weight', o.weight),
      optTensor(fn, 'bias', o.bias),
      float(fn, 'eps', o.eps),
    ),
  );
}

/** group_norm(input, num_groups, weight=None, bias=None, eps=1e-5) */
export function group_norm(
  input: Tensor,
  num_groups: number,
  ...args: Args<LayerNormOptions, typeof NORM_AFFINE_KEYS>
): Tensor {
  const fn = 'group_norm';
  const o = bind<LayerNormOptions>(fn, 2, NORM_AFFINE_KEYS, args, { weight: null, bias: null, eps: 1e-5 });
  const x = tensor(fn, 'input', input);
  const groups = int(fn, 'num_groups', num_groups);
  if (groups === 0) throw new TorchError('integer division or modulo by zero', 'ZeroDivisionError');
  // Python checks the per-group size list it builds (printed as a list, not a torch.Size).
  const size = [Math.floor((x.size(0) * x.size(1)) / groups), groups, ...x.shape.slice(2)];
  verifyBatchSize(size, listRepr(size));
  const weight = optTensor(fn, 'weight', o.weight);
  return wrap(N.nn_group_norm(x._h, groups, weight, optTensor(fn, 'bias', o.bias), float(fn, 'eps', o.eps)));
}

export interface NormalizeOptions {
  p?: number;
  dim?: number;
  eps?: number;
}
const NORMALIZE_KEYS = ['p', 'dim', 'eps'] as const;

/** normalize(input, p=2.0, dim=1, eps=1e-12): input / max(‖input‖_p, eps) along dim (no `out`). */
export function normalize(input: Tensor, ...args: Args<NormalizeOptions, typeof NORMALIZE_KEYS>): Tensor {
  const fn = 'normalize';
  const o = bind<NormalizeOptions>(fn, 1, NORMALIZE_KEYS, args, { p: 2.0, dim: 1, eps: 1e-12 });
  return wrap(
    N.nn_normalize(tensor(fn, 'input', input)._h, float(fn, 'p', o.p), int(fn, 'dim', o.dim), float(fn, 'eps', o.eps)),
  );
}

// ------------------------------------------------------------------ dropout

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}
const DROPOUT_KEYS = ['p', 'training', 'inplace'] as const;

function dropoutLike(fn: string, op: string, input: Tensor, args: readonly unknown[]): Tensor {
  const o = bind<DropoutOptions>(fn, 1, DROPOUT_KEYS, args, { p: 0.5, training: true, inplace: false });
  const x = tensor(fn, 'input', input);
  const p = float(fn, 'p', o.p);
  if (p < 0 || p > 1) throw valueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  const training = bool(fn, 'training', o.training);
  if (!bool(fn, 'inplace', o.inplace)) return wrap(N[op](x._h, p, training));
  N[`${op}_`](x._h, p, training);
  return x;
}

/** dropout(input, p=0.5, training=True, inplace=False) */
export function dropout(input: Tensor, ...args: Args<DropoutOptions, typeof DROPOUT_KEYS>): Tensor {
  return dropoutLike('dropout', 'nn_dropout', input, args);
}

/**
 * dropout2d(input, p=0.5, training=True, inplace=False): zeroes whole channels. As in PyTorch
 * 1.13, a 3-D input is treated as (N, C, L) (its warnings are not emitted).
 */
export function dropout2d(input: Tensor, ...args: Args<DropoutOptions, typeof DROPOUT_KEYS>): Tensor {
  return dropoutLike('dropout2d', 'nn_feature_dropout', input, args);
}

// ------------------------------------------------------------------ padding and resampling

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
export interface PadOptions {
  mode?: PadMode;
  value?: number | null;
}
const PAD_KEYS = ['mode', 'value'] as const;

/** pad(input, pad, mode='constant', value=None) */
export function pad(input: Tensor, pad: readonly number[], ...args: Args<PadOptions, typeof PAD_KEYS>): Tensor {
  const fn = 'pad';
  const o = bind<PadOptions>(fn, 2, PAD_KEYS, args, { mode: 'constant', value: null });
  if (!Array.isArray(pad)) throw argError(fn, 'pad', 'tuple of ints', pad);
  return wrap(
    N.nn_pad(
      tensor(fn, 'input', input)._h,
      ints(fn, 'pad', pad, 1),
      str(fn, 'mode', o.mode),
      o.value === null ? null : float(fn, 'value', o.value),
    ),
  );
}

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area' | 'nearest-exact';
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scale_factor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
  antialias?: boolean;
}
const INTERPOLATE_KEYS = [
  'size',
  'scale_factor',
  'mode',
  'align_corners',
  'recompute_scale_factor',
  'antialias',
] as const;

/** The upsample kernel for (mode, input.dim()), as Python's interpolate picks it. */
const UPSAMPLE: Record<string, string | undefined> = {
  'nearest/3': 'nn_upsample_nearest1d',
  'nearest/4': 'nn_upsample_nearest2d',
  'nearest/5': 'nn_upsample_nearest3d',
  'nearest-exact/3': 'nn__upsample_nearest_exact1d',
  'nearest-exact/4': 'nn__upsample_nearest_exact2d',
  'nearest-exact/5': 'nn__upsample_nearest_exact3d',
  'linear/3': 'nn_upsample_linear1d',
  'bilinear/4': 'nn_upsample_bilinear2d',
  'trilinear/5': 'nn_upsample_trilinear3d',
  'bicubic/4': 'nn_upsample_bicubic2d',
};
const AREA = ['nn_adaptive_avg_pool1d', 'nn_adaptive_avg_pool2d', 'nn_adaptive_avg_pool3d'];
/** The mode a 3-, 4- or 5-D input needs, for the error on a mismatch. */
const MODE_DIMS: Record<string, number> = { linear: 3, bilinear: 4, trilinear: 5 };

function numbers(fn: string, name: string, v: unknown, expected: string): number[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return [...(v as number[])];
  throw argError(fn, name, expected, v);
}

/**
 * interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None, antialias=False): a port of PyTorch 1.13's dispatch.
 */
export function interpolate(input: Tensor, ...args: Args<InterpolateOptions, typeof INTERPOLATE_KEYS>): Tensor {
  const fn = 'interpolate';
  const o = bind<InterpolateOptions>(fn, 1, INTERPOLATE_KEYS, args, {
    size: null,
    scale_factor: null,
    mode: 'nearest',
    align_corners: null,
    recompute_scale_factor: null,
    antialias: false,
  });
  const x = tensor(fn, 'input', input);
  const mode = str(fn, 'mode', o.mode);
  let alignCorners = o.align_corners === null ? null : bool(fn, 'align_corners', o.align_corners);
  if (mode === 'nearest' || mode === 'area' || mode === 'nearest-exact') {
    if (alignCorners !== null) {
      throw valueError(
        'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
      );
    }
  } else {
    alignCorners ??= false;
  }
  const ndim = x.dim();
  const dim = ndim - 2; // spatial dimensions
  const spatial = listRepr(x.shape.slice(2));
  let outputSize: number[] | null = null;
  let scaleFactors: number[] | null = null;
  if (o.size !== null && o.scale_factor !== null) {
    throw valueError('only one of size or scale_factor should be defined');
  }
  if (o.size !== null) {
    if (typeof o.size === 'number') {
      outputSize = new Array<number>(Math.max(dim, 0)).fill(int(fn, 'size', o.size));
    } else {
      outputSize = ints(fn, 'size', o.size, 1);
      if (outputSize.length !== dim) {
        throw valueError(
          `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions ` +
            `of ${spatial} and output size of ${listRepr(outputSize)}. Please provide input tensor in ` +
            '(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.',
        );
      }
    }
  } else if (o.scale_factor !== null) {
    if (typeof o.scale_factor === 'number') {
      scaleFactors = new Array<number>(Math.max(dim, 0)).fill(o.scale_factor);
    } else {
      scaleFactors = numbers(fn, 'scale_factor', o.scale_factor, 'float or tuple of floats');
      if (scaleFactors.length !== dim) {
        throw valueError(
          `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial ` +
            `dimensions of ${spatial} and scale_factor of shape ${listRepr(scaleFactors)}. Please provide input ` +
            'tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.',
        );
      }
    }
  } else {
    throw valueError('either size or scale_factor should be defined');
  }
  const recomputeArg = o.recompute_scale_factor;
  let recompute = recomputeArg === null ? null : bool(fn, 'recompute_scale_factor', recomputeArg);
  if (recompute && o.size !== null) throw valueError('recompute_scale_factor is not meaningful with an explicit size.');
  // 'area' always needs an explicit size: it reuses the recompute path.
  if (mode === 'area' && outputSize === null) recompute = true;
  if (recompute && scaleFactors !== null) {
    const factors = scaleFactors;
    outputSize = factors.map((s, i) => Math.floor(x.size(i + 2) * s));
    scaleFactors = null;
  }
  const antialias = bool(fn, 'antialias', o.antialias);
  if (antialias && !((mode === 'bilinear' || mode === 'bicubic') && ndim === 4)) {
    throw valueError('Anti-alias option is only supported for bilinear and bicubic modes');
  }

  if (mode === 'area' && ndim >= 3 && ndim <= 5) return wrap(N[AREA[ndim - 3]](x._h, outputSize));
  const kernel = UPSAMPLE[`${mode}/${ndim}`];
  if (kernel !== undefined) {
    const op = antialias ? `nn__upsample_${mode}2d_aa` : kernel;
    if (mode.startsWith('nearest')) return wrap(N[op](x._h, outputSize, scaleFactors));
    return wrap(N[op](x._h, outputSize, alignCorners, scaleFactors));
  }
  const needs = MODE_DIMS[mode];
  if (needs !== undefined && ndim >= 3 && ndim <= 5) {
    throw new TorchError(`Got ${ndim}D input, but ${mode} mode needs ${needs}D input`, 'NotImplementedError');
  }
  throw new TorchError(
    `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${ndim}D) for the modes: ` +
      `nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
    'NotImplementedError',
  );
}

// ------------------------------------------------------------------ embeddings, shapes, distances

export interface OneHotOptions {
  num_classes?: number;
}
const ONE_HOT_KEYS = ['num_classes'] as const;

/** one_hot(tensor, num_classes=-1) */
export function one_hot(input: Tensor, ...args: Args<OneHotOptions, typeof ONE_HOT_KEYS>): Tensor {
  const o = bind<OneHotOptions>('one_hot', 1, ONE_HOT_KEYS, args, { num_classes: -1 });
  return wrap(N.nn_one_hot(tensor('one_hot', 'tensor', input)._h, int('one_hot', 'num_classes', o.num_classes)));
}

export interface EmbeddingOptions {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
}
const EMBEDDING_KEYS = ['padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse'] as const;

/** embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False) */
export function embedding(
  input: Tensor,
  weight: Tensor,
  ...args: Args<EmbeddingOptions, typeof EMBEDDING_KEYS>
): Tensor {
  const fn = 'embedding';
  const o = bind<EmbeddingOptions>(fn, 2, EMBEDDING_KEYS, args, {
    padding_idx: null,
    max_norm: null,
    norm_type: 2.0,
    scale_grad_by_freq: false,
    sparse: false,
  });
  let x = tensor(fn, 'input', input);
  const w = tensor(fn, 'weight', weight);
  let paddingIdx = optInt(fn, 'padding_idx', o.padding_idx) ?? -1;
  if (o.padding_idx !== null) {
    const rows = w.size(0);
    // Python asserts these (AssertionError).
    if ((paddingIdx > 0 && paddingIdx >= rows) || (paddingIdx < 0 && paddingIdx < -rows)) {
      throw new TorchError('Padding_idx must be within num_embeddings', 'AssertionError');
    }
    if (paddingIdx < 0) paddingIdx += rows;
  }
  if (o.max_norm !== null) {
    // embedding_renorm_ makes the indices contiguous anyway; the lookup reuses them (as Python does).
    x = x.contiguous();
    N.nn_embedding_renorm_(w._h, x._h, float(fn, 'max_norm', o.max_norm), float(fn, 'norm_type', o.norm_type));
  }
  return wrap(
    N.nn_embedding(
      w._h,
      x._h,
      paddingIdx,
      bool(fn, 'scale_grad_by_freq', o.scale_grad_by_freq),
      bool(fn, 'sparse', o.sparse),
    ),
  );
}

export interface FlattenOptions {
  start_dim?: number;
  end_dim?: number;
}
const FLATTEN_KEYS = ['start_dim', 'end_dim'] as const;

/**
 * flatten(input, start_dim=0, end_dim=-1). PyTorch has no F.flatten; this is torch.flatten
 * (nn.Flatten's start_dim=1 default is the module's, not this function's).
 */
export function flatten(input: Tensor, ...args: Args<FlattenOptions, typeof FLATTEN_KEYS>): Tensor {
  const o = bind<FlattenOptions>('flatten', 1, FLATTEN_KEYS, args, { start_dim: 0, end_dim: -1 });
  return tensor('flatten', 'input', input).flatten(o.start_dim, o.end_dim);
}

export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}
const COSINE_KEYS = ['dim', 'eps'] as const;

/** cosine_similarity(x1, x2, dim=1, eps=1e-8) */
export function cosine_similarity(
  x1: Tensor,
  x2: Tensor,
  ...args: Args<CosineSimilarityOptions, typeof COSINE_KEYS>
): Tensor {
  const fn = 'cosine_similarity';
  const o = bind<CosineSimilarityOptions>(fn, 2, COSINE_KEYS, args, { dim: 1, eps: 1e-8 });
  return wrap(
    N.nn_cosine_similarity(
      tensor(fn, 'x1', x1)._h,
      tensor(fn, 'x2', x2)._h,
      int(fn, 'dim', o.dim),
      float(fn, 'eps', o.eps),
    ),
  );
}

export interface PairwiseDistanceOptions {
  p?: number;
  eps?: number;
  keepdim?: boolean;
}
const PAIRWISE_KEYS = ['p', 'eps', 'keepdim'] as const;

/** pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False) */
export function pairwise_distance(
  x1: Tensor,
  x2: Tensor,
  ...args: Args<PairwiseDistanceOptions, typeof PAIRWISE_KEYS>
): Tensor {
  const fn = 'pairwise_distance';
  const o = bind<PairwiseDistanceOptions>(fn, 2, PAIRWISE_KEYS, args, { p: 2.0, eps: 1e-6, keepdim: false });
  return wrap(
    N.nn_pairwise_distance(
      tensor(fn, 'x1', x1)._h,
      tensor(fn, 'x2', x2)._h,
      float(fn, 'p', o.p),
      float(fn, 'eps', o.eps),
      bool(fn, 'keepdim', o.keepdim),
    ),
  );
}

// ------------------------------------------------------------------ losses

export interface CrossEntropyOptions extends LegacyReduction {
  weight?: Tensor | null;
  ignore_index?: number;
  reduction?: Reduction;
  label_smoothing?: number;
}
const CROSS_ENTROPY_KEYS = [
  'weight',
  'size_average',
  'ignore_index',
  'reduce',
  'reduction',
  'label_smoothing',
] as const;

/**
 * cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean', label_smoothing=0.0). `target` holds class indices, or class probabilities
 * (same shape as input).
 */
export function cross_entropy(
  input: Tensor,
  target: Tensor,
  ...args: Args<CrossEntropyOptions, typeof CROSS_ENTROPY_KEYS>
): Tensor {
  const fn = 'cross_entropy';
  const o = bind<CrossEntropyOptions>(fn, 2, CROSS_ENTROPY_KEYS, args, {
    ...LEGACY_DEFAULTS,
    weight: null,
    ignore_index: -100,
    reduction: 'mean',
    label_smoothing: 0.0,
  });
  return wrap(
    N.nn_cross_entropy(
      tensor(fn, 'input', input)._h,
      tensor(fn, 'target', target)._h,
      optTensor(fn, 'weight', o.weight),
      lossReduction(fn, o),
      int(fn, 'ignore_index', o.ignore_index),
      float(fn, 'label_smoothing', o.label_smoothing),
    ),
  );
}

export interface NllLossOptions extends LegacyReduction {
  weight?: Tensor | null;
  ignore_index?: number;
  reduction?: Reduction;
}
const NLL_KEYS = ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'] as const;

/** nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean') */
export function nll_loss(input: Tensor, target: Tensor, ...args: Args<NllLossOptions, typeof NLL_KEYS>): Tensor {
  const fn = 'nll_loss';
  const o = bind<NllLossOptions>(fn, 2, NLL_KEYS, args, {
    ...LEGACY_DEFAULTS,
    weight: null,
    ignore_index: -100,
    reduction: 'mean',
  });
  return wrap(
    N.nn_nll_loss(
      tensor(fn, 'input', input)._h,
      tensor(fn, 'target', target)._h,
      optTensor(fn, 'weight', o.weight),
      lossReduction(fn, o),
      int(fn, 'ignore_index', o.ignore_index),
    ),
  );
}

export interface PointwiseLossOptions extends LegacyReduction {
  reduction?: Reduction;
}
const POINTWISE_KEYS = ['size_average', 'reduce', 'reduction'] as const;

/** mse_loss(input, target, size_average=None, reduce=None, reduction='mean'): broadcasts input and target. */
export function mse_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<PointwiseLossOptions, typeof POINTWISE_KEYS>
): Tensor {
  const fn = 'mse_loss';
  const o = bind<PointwiseLossOptions>(fn, 2, POINTWISE_KEYS, args, LEGACY_DEFAULTS);
  return wrap(N.nn_mse_loss(tensor(fn, 'input', input)._h, tensor(fn, 'target', target)._h, lossReduction(fn, o)));
}

/** l1_loss(input, target, size_average=None, reduce=None, reduction='mean'): broadcasts input and target. */
export function l1_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<PointwiseLossOptions, typeof POINTWISE_KEYS>
): Tensor {
  const fn = 'l1_loss';
  const o = bind<PointwiseLossOptions>(fn, 2, POINTWISE_KEYS, args, LEGACY_DEFAULTS);
  return wrap(N.nn_l1_loss(tensor(fn, 'input', input)._h, tensor(fn, 'target', target)._h, lossReduction(fn, o)));
}

export interface SmoothL1LossOptions extends PointwiseLossOptions {
  beta?: number;
}
const SMOOTH_L1_KEYS = ['size_average', 'reduce', 'reduction', 'beta'] as const;

/** smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0) */
export function smooth_l1_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<SmoothL1LossOptions, typeof SMOOTH_L1_KEYS>
): Tensor {
  const fn = 'smooth_l1_loss';
  const o = bind<SmoothL1LossOptions>(fn, 2, SMOOTH_L1_KEYS, args, { ...LEGACY_DEFAULTS, beta: 1.0 });
  return wrap(
    N.nn_smooth_l1_loss(
      tensor(fn, 'input', input)._h,
      tensor(fn, 'target', target)._h,
      lossReduction(fn, o),
      float(fn, 'beta', o.beta),
    ),
  );
}

export interface HuberLossOptions {
  reduction?: Reduction;
  delta?: number;
}
const HUBER_KEYS = ['reduction', 'delta'] as const;

/** huber_loss(input, target, reduction='mean', delta=1.0) */
export function huber_loss(input: Tensor, target: Tensor, ...args: Args<HuberLossOptions, typeof HUBER_KEYS>): Tensor {
  const fn = 'huber_loss';
  const o = bind<HuberLossOptions>(fn, 2, HUBER_KEYS, args, { reduction: 'mean', delta: 1.0 });
  return wrap(
    N.nn_huber_loss(
      tensor(fn, 'input', input)._h,
      tensor(fn, 'target', target)._h,
      reductionEnum(o.reduction),
      float(fn, 'delta', o.delta),
    ),
  );
}

export interface BinaryCrossEntropyOptions extends LegacyReduction {
  weight?: Tensor | null;
  reduction?: Reduction;
}
const BCE_KEYS = ['weight', 'size_average', 'reduce', 'reduction'] as const;

function sameSize(a: Tensor, b: Tensor): boolean {
  const sa = a.shape;
  const sb = b.shape;
  return sa.length === sb.length && sa.every((s, i) => s === sb[i]);
}

/** binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean') */
export function binary_cross_entropy(
  input: Tensor,
  target: Tensor,
  ...args: Args<BinaryCrossEntropyOptions, typeof BCE_KEYS>
): Tensor {
  const fn = 'binary_cross_entropy';
  const o = bind<BinaryCrossEntropyOptions>(fn, 2, BCE_KEYS, args, { ...LEGACY_DEFAULTS, weight: null });
  const x = tensor(fn, 'input', input);
  const t = tensor(fn, 'target', target);
  const reduction = lossReduction(fn, o);
  if (!sameSize(x, t)) {
    throw valueError(
      `Using a target size (${sizeRepr(t.shape)}) that is different to the input size (${sizeRepr(x.shape)}) is ` +
        'deprecated. Please ensure they have the same size.',
    );
  }
  return wrap(N.nn_binary_cross_entropy(x._h, t._h, optTensor(fn, 'weight', o.weight), reduction));
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  pos_weight?: Tensor | null;
}
const BCE_LOGITS_KEYS = ['weight', 'size_average', 'reduce', 'reduction', 'pos_weight'] as const;

/**
 * binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean', pos_weight=None)
 */
export function binary_cross_entropy_with_logits(
  input: Tensor,
  target: Tensor,
  ...args: Args<BinaryCrossEntropyWithLogitsOptions, typeof BCE_LOGITS_KEYS>
): Tensor {
  const fn = 'binary_cross_entropy_with_logits';
  const o = bind<BinaryCrossEntropyWithLogitsOptions>(fn, 2, BCE_LOGITS_KEYS, args, {
    ...LEGACY_DEFAULTS,
    weight: null,
    pos_weight: null,
  });
  const x = tensor(fn, 'input', input);
  const t = tensor(fn, 'target', target);
  const reduction = lossReduction(fn, o);
  if (!sameSize(x, t)) {
    throw valueError(`Target size (${sizeRepr(t.shape)}) must be the same as input size (${sizeRepr(x.shape)})`);
  }
  return wrap(
    N.nn_binary_cross_entropy_with_logits(
      x._h,
      t._h,
      optTensor(fn, 'weight', o.weight),
      optTensor(fn, 'pos_weight', o.pos_weight),
      reduction,
    ),
  );
}

export interface KlDivOptions extends LegacyReduction {
  reduction?: Reduction | 'batchmean';
  log_target?: boolean;
}
const KL_DIV_KEYS = ['size_average', 'reduce', 'reduction', 'log_target'] as const;

/**
 * kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False).
 * 'batchmean' sums and divides by the batch size (the KL divergence proper); 'mean' divides by
 * the number of elements (Python warns about it; not emitted here).
 */
export function kl_div(input: Tensor, target: Tensor, ...args: Args<KlDivOptions, typeof KL_DIV_KEYS>): Tensor {
  const fn = 'kl_div';
  const o = bind<KlDivOptions>(fn, 2, KL_DIV_KEYS, args, { ...LEGACY_DEFAULTS, log_target: false });
  const x = tensor(fn, 'input', input);
  const legacy = o.size_average !== null || o.reduce !== null;
  // Python divides for 'batchmean' even when the legacy arguments set the reduction.
  const batchmean = o.reduction === 'batchmean';
  const reduction = batchmean && !legacy ? reductionEnum('sum') : lossReduction(fn, o);
  const t = tensor(fn, 'target', target);
  const reduced = wrap(N.nn_kl_div(x._h, t._h, reduction, bool(fn, 'log_target', o.log_target)));
  // Python divides with `/ input.size()[0]`: a Tensor / int (DivBackward0).
  return batchmean && x.dim() !== 0 ? reduced.div(x.size(0)) : reduced;
}
