/**
 * torchts: PyTorch's Python API in TypeScript on libtorch.
 *
 *   import * as torch from 'torchts';
 *   const x = torch.randn([2, 3], { requires_grad: true });
 *   x.sum(1, { keepdim: true });
 */
import { N } from './native';
import { binary, sub, unary } from './functions';

export { Tensor, GradFn } from './tensor';
export type { Scalar, Dim, Shape, ValuesIndices, ReduceOptions, VarOptions } from './tensor';
export { TorchError } from './errors';
export {
  dtype,
  uint8,
  int8,
  int16,
  int32,
  int64,
  float16,
  float32,
  float64,
  bool,
  bfloat16,
  half,
  float,
  double,
  short,
  int,
  long,
  get_default_dtype,
  set_default_dtype,
} from './dtype';
export { device } from './device';
export type { DeviceLike } from './device';
export type { FactoryOptions } from './options';
export { slice, Slice, Ellipsis } from './indexing';
export type { Index, IndexItem } from './indexing';
export { scope, keep } from './scope';
export { set_printoptions, get_printoptions } from './_tensor_str';
export {
  tensor,
  as_tensor,
  from_numpy,
  frombuffer,
  zeros,
  ones,
  empty,
  full,
  eye,
  arange,
  linspace,
  rand,
  randn,
  randint,
  randperm,
  normal,
  zeros_like,
  ones_like,
  empty_like,
  full_like,
  rand_like,
  randn_like,
  randint_like,
  manual_seed,
  initial_seed,
  set_num_threads,
  get_num_threads,
} from './creation';
export type { NestedArray, TypedArray } from './creation';
export {
  add,
  sub,
  rsub,
  div,
  lerp,
  addcmul,
  addcdiv,
  clamp,
  clip,
  round,
  maximum,
  minimum,
  atan2,
  isnan,
  isinf,
  isfinite,
  nan_to_num,
  logical_and,
  logical_or,
  logical_xor,
  equal,
  allclose,
  isclose,
  matmul,
  mm,
  bmm,
  mv,
  dot,
  outer,
  addmm,
  baddbmm,
  einsum,
  tril,
  triu,
  cat,
  concat,
  stack,
  reshape,
  flatten,
  unflatten,
  squeeze,
  unsqueeze,
  permute,
  transpose,
  t,
  split,
  chunk,
  unbind,
  narrow,
  select,
  index_select,
  gather,
  scatter,
  scatter_add,
  masked_fill,
  masked_select,
  where,
  nonzero,
  flip,
  roll,
  movedim,
  repeat_interleave,
  index,
  sum,
  mean,
  std,
  var_ as var,
  std_mean,
  var_mean,
  prod,
  max,
  min,
  amax,
  amin,
  argmax,
  argmin,
  all,
  any,
  norm,
  logsumexp,
  cumsum,
  cumprod,
  topk,
  sort,
  argsort,
  count_nonzero,
  unique,
  bincount,
  multinomial,
  bernoulli,
  clone,
  numel,
  is_tensor,
  is_floating_point,
} from './functions';
export { Generator, default_generator, get_rng_state, set_rng_state } from './generator';
export type { Seed } from './generator';
export * as utils from './utils';
export * as cuda from './cuda';
export * as nn from './nn';
export * as optim from './optim';
export * as amp from './amp';
export { autocast, is_autocast_enabled } from './amp';
export { save, load, safetensors } from './serialization';
export type { LoadOptions, MapLocation } from './serialization';
export * as autograd from './autograd';
export { no_grad, enable_grad, set_grad_enabled, is_grad_enabled } from './autograd';

export const {
  neg,
  abs,
  exp,
  exp2,
  expm1,
  log,
  log2,
  log10,
  log1p,
  sqrt,
  rsqrt,
  square,
  sin,
  cos,
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  tanh,
  sigmoid,
  relu,
  floor,
  ceil,
  trunc,
  frac,
  sign,
  reciprocal,
  erf,
  logical_not,
  bitwise_not,
} = unary;
export const negative = neg;
export const absolute = abs;
export const { mul, pow, fmod, remainder, eq, ne, lt, le, gt, ge, bitwise_and, bitwise_or, bitwise_xor } = binary;
export const multiply = mul;
export const subtract = sub;

/** Live tensors owned by JS handles in this thread and the bytes reported to V8 for them. */
export function memory(): { tensors: number; bytes: number } {
  return N.memory();
}

/** The libtorch version the addon runs on, e.g. '1.13.0'. */
export const __libtorch_version__: string = N.libtorch_version();
export const __version__ = '0.1.0';
