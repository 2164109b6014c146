/** torch.* functional forms of the tensor ops: torch.add(x, y), torch.cat([...]), torch.max(x, 1), ... */
import { N, Handle } from './native';
import { dtype } from './dtype';
import { argError } from './errors';
import { Index } from './indexing';
import {
  BINARY_OPS,
  Dim,
  isScalar,
  ReduceOptions,
  Scalar,
  Tensor,
  UNARY_OPS,
  ValuesIndices,
  VarOptions,
  whereImpl,
} from './tensor';

function wrap(h: Handle): Tensor {
  return new Tensor(h);
}

function tensorList(fn: string, ts: readonly Tensor[]): Handle[] {
  if (!Array.isArray(ts)) throw argError(fn, 'tensors', 'tuple of Tensors', ts);
  return ts.map((t, i) => {
    if (!(t instanceof Tensor)) throw argError(fn, `tensors[${i}]`, 'Tensor', t);
    return t._h;
  });
}

function input(fn: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  throw argError(fn, 'input', 'Tensor', x);
}

type UnaryFns = { [K in (typeof UNARY_OPS)[number]]: (input: Tensor) => Tensor };
type BinaryFns = { [K in (typeof BINARY_OPS)[number]]: (input: Tensor | Scalar, other: Tensor | Scalar) => Tensor };

/** torch.exp(x), torch.sqrt(x), ... */
export const unary = Object.fromEntries(
  UNARY_OPS.map((name) => [name, (x: Tensor) => (input(name, x)[name] as () => Tensor).call(x)]),
) as UnaryFns;

/** torch.mul(x, y), torch.eq(x, 2), torch.pow(2, x), ... */
export const binary = Object.fromEntries(
  BINARY_OPS.map((name) => [
    name,
    (a: Tensor | Scalar, b: Tensor | Scalar): Tensor => {
      if (a instanceof Tensor) return (a[name] as (o: Tensor | Scalar) => Tensor).call(a, b);
      if (isScalar(a) && b instanceof Tensor) {
        if (name === 'pow') return wrap(N.pow_sr(a, b._h));
        if (name === 'remainder') return wrap(N.remainder_sr(a, b._h));
        if (name === 'mul') return b.mul(a);
      }
      throw argError(name, 'input', 'Tensor', a);
    },
  ]),
) as BinaryFns;

export function add(a: Tensor | Scalar, b: Tensor | Scalar, opts?: { alpha?: Scalar }): Tensor {
  if (a instanceof Tensor) return a.add(b, opts);
  if (b instanceof Tensor && isScalar(a)) return b.mul(opts?.alpha ?? 1).add(a);
  throw argError('add', 'input', 'Tensor', a);
}
export function sub(a: Tensor | Scalar, b: Tensor | Scalar, opts?: { alpha?: Scalar }): Tensor {
  if (a instanceof Tensor) return a.sub(b, opts);
  if (b instanceof Tensor && isScalar(a)) return b.rsub(a, opts);
  throw argError('sub', 'input', 'Tensor', a);
}
export function rsub(a: Tensor, b: Tensor | Scalar, opts?: { alpha?: Scalar }): Tensor {
  return input('rsub', a).rsub(b, opts);
}
export function div(
  a: Tensor | Scalar,
  b: Tensor | Scalar,
  opts?: { rounding_mode?: 'trunc' | 'floor' | null },
): Tensor {
  if (a instanceof Tensor) return a.div(b, opts);
  if (b instanceof Tensor && isScalar(a)) return b.reciprocal().mul(a).div(1, opts);
  throw argError('div', 'input', 'Tensor', a);
}
export function lerp(a: Tensor, end: Tensor, weight: Tensor | Scalar): Tensor {
  return input('lerp', a).lerp(end, weight);
}
export function addcmul(a: Tensor, t1: Tensor, t2: Tensor, opts?: { value?: Scalar }): Tensor {
  return input('addcmul', a).addcmul(t1, t2, opts);
}
export function addcdiv(a: Tensor, t1: Tensor, t2: Tensor, opts?: { value?: Scalar }): Tensor {
  return input('addcdiv', a).addcdiv(t1, t2, opts);
}
export function clamp(a: Tensor, min?: Tensor | Scalar | null, max?: Tensor | Scalar | null): Tensor {
  return input('clamp', a).clamp(min, max);
}
export const clip = clamp;
export function round(a: Tensor, opts?: { decimals?: number }): Tensor {
  return input('round', a).round(opts);
}
export function maximum(a: Tensor, b: Tensor): Tensor {
  return input('maximum', a).maximum(b);
}
export function minimum(a: Tensor, b: Tensor): Tensor {
  return input('minimum', a).minimum(b);
}
export function atan2(a: Tensor, b: Tensor): Tensor {
  return input('atan2', a).atan2(b);
}
export function isnan(a: Tensor): Tensor {
  return input('isnan', a).isnan();
}
export function isinf(a: Tensor): Tensor {
  return input('isinf', a).isinf();
}
export function isfinite(a: Tensor): Tensor {
  return input('isfinite', a).isfinite();
}
export function nan_to_num(a: Tensor, opts?: { nan?: number; posinf?: number; neginf?: number }): Tensor {
  return input('nan_to_num', a).nan_to_num(opts);
}
export function logical_and(a: Tensor, b: Tensor): Tensor {
  return input('logical_and', a).logical_and(b);
}
export function logical_or(a: Tensor, b: Tensor): Tensor {
  return input('logical_or', a).logical_or(b);
}
export function logical_xor(a: Tensor, b: Tensor): Tensor {
  return input('logical_xor', a).logical_xor(b);
}
export function equal(a: Tensor, b: Tensor): boolean {
  return input('equal', a).equal(b);
}
export function allclose(a: Tensor, b: Tensor, opts?: { rtol?: number; atol?: number; equal_nan?: boolean }): boolean {
  return input('allclose', a).allclose(b, opts);
}
export function isclose(a: Tensor, b: Tensor, opts?: { rtol?: number; atol?: number; equal_nan?: boolean }): Tensor {
  return input('isclose', a).isclose(b, opts);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  return input('matmul', a).matmul(b);
}
export function mm(a: Tensor, b: Tensor): Tensor {
  return input('mm', a).mm(b);
}
export function bmm(a: Tensor, b: Tensor): Tensor {
  return input('bmm', a).bmm(b);
}
export function mv(a: Tensor, b: Tensor): Tensor {
  return input('mv', a).mv(b);
}
export function dot(a: Tensor, b: Tensor): Tensor {
  return input('dot', a).dot(b);
}
export function outer(a: Tensor, b: Tensor): Tensor {
  return input('outer', a).outer(b);
}
export function addmm(c: Tensor, a: Tensor, b: Tensor, opts?: { beta?: Scalar; alpha?: Scalar }): Tensor {
  return input('addmm', c).addmm(a, b, opts);
}
export function baddbmm(c: Tensor, a: Tensor, b: Tensor, opts?: { beta?: Scalar; alpha?: Scalar }): Tensor {
  return input('baddbmm', c).baddbmm(a, b, opts);
}
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  if (typeof equation !== 'string') throw argError('einsum', 'equation', 'str', equation);
  const list = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as Tensor[]) : (operands as Tensor[]);
  return wrap(N.einsum(equation, tensorList('einsum', list)));
}
export function tril(a: Tensor, diagonal = 0): Tensor {
  return input('tril', a).tril(diagonal);
}
export function triu(a: Tensor, diagonal = 0): Tensor {
  return input('triu', a).triu(diagonal);
}

// Shape.
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(N.cat(tensorList('cat', tensors), dim));
}
export const concat = cat;
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(N.stack(tensorList('stack', tensors), dim));
}
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  return input('reshape', a).reshape(shape);
}
export function flatten(a: Tensor, start_dim = 0, end_dim = -1): Tensor {
  return input('flatten', a).flatten(start_dim, end_dim);
}
export function unflatten(a: Tensor, dim: number, sizes: readonly number[]): Tensor {
  return input('unflatten', a).unflatten(dim, sizes);
}
export function squeeze(a: Tensor, dim?: number): Tensor {
  return input('squeeze', a).squeeze(dim);
}
export function unsqueeze(a: Tensor, dim: number): Tensor {
  return input('unsqueeze', a).unsqueeze(dim);
}
export function permute(a: Tensor, dims: readonly number[]): Tensor {
  return input('permute', a).permute(dims);
}
export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  return input('transpose', a).transpose(dim0, dim1);
}
export function t(a: Tensor): Tensor {
  return input('t', a).t();
}
export function split(a: Tensor, split_size_or_sections: number | readonly number[], dim = 0): Tensor[] {
  return input('split', a).split(split_size_or_sections, dim);
}
export function chunk(a: Tensor, chunks: number, dim = 0): Tensor[] {
  return input('chunk', a).chunk(chunks, dim);
}
export function unbind(a: Tensor, dim = 0): Tensor[] {
  return input('unbind', a).unbind(dim);
}
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  return input('narrow', a).narrow(dim, start, length);
}
export function select(a: Tensor, dim: number, index: number): Tensor {
  return input('select', a).select(dim, index);
}
export function index_select(a: Tensor, dim: number, index: Tensor): Tensor {
  return input('index_select', a).index_select(dim, index);
}
export function gather(a: Tensor, dim: number, index: Tensor): Tensor {
  return input('gather', a).gather(dim, index);
}
export function scatter(a: Tensor, dim: number, index: Tensor, src: Tensor | Scalar): Tensor {
  return input('scatter', a).scatter(dim, index, src);
}
export function scatter_add(a: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return input('scatter_add', a).scatter_add(dim, index, src);
}
export function masked_fill(a: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  return input('masked_fill', a).masked_fill(mask, value);
}
export function masked_select(a: Tensor, mask: Tensor): Tensor {
  return input('masked_select', a).masked_select(mask);
}
/** torch.where(condition, input, other); torch.where(condition) is condition.nonzero() as a tuple. */
export function where(condition: Tensor, x?: Tensor | Scalar, y?: Tensor | Scalar): Tensor | Tensor[] {
  if (x === undefined && y === undefined) return input('where', condition).nonzero().unbind(1);
  if (x === undefined || y === undefined) throw new TypeError('where(): expected both input and other, or neither');
  return whereImpl(condition, x, y);
}
export function nonzero(a: Tensor): Tensor {
  return input('nonzero', a).nonzero();
}
export function flip(a: Tensor, dims: readonly number[]): Tensor {
  return input('flip', a).flip(dims);
}
export function roll(a: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  return input('roll', a).roll(shifts, dims);
}
export function movedim(
  a: Tensor,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  return input('movedim', a).movedim(source, destination);
}
export function repeat_interleave(a: Tensor, repeats: number, dim?: number | null): Tensor {
  return input('repeat_interleave', a).repeat_interleave(repeats, dim);
}
export function index(a: Tensor, indices: Index): Tensor {
  return input('index', a).index(indices);
}

// Reductions.
export function sum(a: Tensor, dim?: Dim | null, opts?: ReduceOptions): Tensor {
  return input('sum', a).sum(dim, opts);
}
export function mean(a: Tensor, dim?: Dim | null, opts?: ReduceOptions): Tensor {
  return input('mean', a).mean(dim, opts);
}
export function std(a: Tensor, dim?: Dim | null | boolean, opts?: VarOptions): Tensor {
  return input('std', a).std(dim, opts);
}
export function var_(a: Tensor, dim?: Dim | null | boolean, opts?: VarOptions): Tensor {
  return input('var', a).var(dim, opts);
}
export function std_mean(a: Tensor, dim?: Dim | null, opts: VarOptions = {}): [Tensor, Tensor] {
  const d = dim == null ? null : typeof dim === 'number' ? [dim] : [...dim];
  const [s, m] = N.std_mean(
    input('std_mean', a)._h,
    d,
    opts.correction ?? (opts.unbiased === false ? 0 : 1),
    opts.keepdim ?? false,
  );
  return [wrap(s), wrap(m)];
}
export function var_mean(a: Tensor, dim?: Dim | null, opts: VarOptions = {}): [Tensor, Tensor] {
  const d = dim == null ? null : typeof dim === 'number' ? [dim] : [...dim];
  const [v, m] = N.var_mean(
    input('var_mean', a)._h,
    d,
    opts.correction ?? (opts.unbiased === false ? 0 : 1),
    opts.keepdim ?? false,
  );
  return [wrap(v), wrap(m)];
}
export function prod(a: Tensor, dim?: number | null, opts?: ReduceOptions): Tensor {
  return input('prod', a).prod(dim, opts);
}
export function max(a: Tensor): Tensor;
export function max(a: Tensor, other: Tensor): Tensor;
export function max(a: Tensor, dim: number, opts?: { keepdim?: boolean }): ValuesIndices;
export function max(a: Tensor, dim?: number | Tensor, opts?: { keepdim?: boolean }): Tensor | ValuesIndices {
  const x = input('max', a);
  if (dim === undefined) return x.max();
  if (dim instanceof Tensor) return x.max(dim);
  return x.max(dim, opts);
}
export function min(a: Tensor): Tensor;
export function min(a: Tensor, other: Tensor): Tensor;
export function min(a: Tensor, dim: number, opts?: { keepdim?: boolean }): ValuesIndices;
export function min(a: Tensor, dim?: number | Tensor, opts?: { keepdim?: boolean }): Tensor | ValuesIndices {
  const x = input('min', a);
  if (dim === undefined) return x.min();
  if (dim instanceof Tensor) return x.min(dim);
  return x.min(dim, opts);
}
export function amax(a: Tensor, dim: Dim = [], opts?: { keepdim?: boolean }): Tensor {
  return input('amax', a).amax(dim, opts);
}
export function amin(a: Tensor, dim: Dim = [], opts?: { keepdim?: boolean }): Tensor {
  return input('amin', a).amin(dim, opts);
}
export function argmax(a: Tensor, dim?: number | null, opts?: { keepdim?: boolean }): Tensor {
  return input('argmax', a).argmax(dim, opts);
}
export function argmin(a: Tensor, dim?: number | null, opts?: { keepdim?: boolean }): Tensor {
  return input('argmin', a).argmin(dim, opts);
}
export function all(a: Tensor, dim?: number, opts?: { keepdim?: boolean }): Tensor {
  return input('all', a).all(dim, opts);
}
export function any(a: Tensor, dim?: number, opts?: { keepdim?: boolean }): Tensor {
  return input('any', a).any(dim, opts);
}
export function norm(a: Tensor, p: number | 'fro' = 'fro', dim?: Dim | null, opts?: { keepdim?: boolean }): Tensor {
  return input('norm', a).norm(p, dim, opts);
}
export function logsumexp(a: Tensor, dim: Dim, opts?: { keepdim?: boolean }): Tensor {
  return input('logsumexp', a).logsumexp(dim, opts);
}
export function cumsum(a: Tensor, dim: number, opts?: { dtype?: dtype }): Tensor {
  return input('cumsum', a).cumsum(dim, opts);
}
export function cumprod(a: Tensor, dim: number, opts?: { dtype?: dtype }): Tensor {
  return input('cumprod', a).cumprod(dim, opts);
}
export function topk(a: Tensor, k: number, dim = -1, opts?: { largest?: boolean; sorted?: boolean }): ValuesIndices {
  return input('topk', a).topk(k, dim, opts);
}
export function sort(a: Tensor, dim = -1, opts?: { descending?: boolean; stable?: boolean }): ValuesIndices {
  return input('sort', a).sort(dim, opts);
}
export function argsort(a: Tensor, dim = -1, opts?: { descending?: boolean }): Tensor {
  return input('argsort', a).argsort(dim, opts);
}
export function count_nonzero(a: Tensor, dim?: Dim | null): Tensor {
  return input('count_nonzero', a).count_nonzero(dim);
}
export function unique(
  a: Tensor,
  opts: { sorted?: boolean; return_inverse?: boolean; return_counts?: boolean } = {},
): Tensor | Tensor[] {
  const [out, inverse, counts] = N.unique(
    input('unique', a)._h,
    opts.sorted ?? true,
    opts.return_inverse ?? false,
    opts.return_counts ?? false,
  );
  const result = [wrap(out)];
  if (opts.return_inverse) result.push(wrap(inverse));
  if (opts.return_counts) result.push(wrap(counts));
  return result.length === 1 ? result[0] : result;
}
export function bincount(a: Tensor, opts: { weights?: Tensor | null; minlength?: number } = {}): Tensor {
  return wrap(N.bincount(input('bincount', a)._h, opts.weights?._h ?? null, opts.minlength ?? 0));
}
export function multinomial(a: Tensor, num_samples: number, opts: { replacement?: boolean } = {}): Tensor {
  return wrap(N.multinomial(input('multinomial', a)._h, num_samples, opts.replacement ?? false));
}
export function bernoulli(a: Tensor): Tensor {
  return wrap(N.bernoulli(input('bernoulli', a)._h));
}
export function clone(a: Tensor): Tensor {
  return input('clone', a).clone();
}
export function numel(a: Tensor): number {
  return input('numel', a).numel();
}
export function is_tensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
export function is_floating_point(a: Tensor): boolean {
  return input('is_floating_point', a).is_floating_point();
}
