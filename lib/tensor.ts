/**
 * torch.Tensor. A Tensor owns one reference to a native at::Tensor (its handle). The bytes are
 * reported to V8, so garbage collection frees tensors on its own; `dispose()`, `Symbol.dispose`
 * (TypeScript `using`) and `torch.scope` release them deterministically.
 *
 * Method names, argument order and semantics are PyTorch's; Python keyword arguments are a
 * trailing options object (`x.sum(1, { keepdim: true })`).
 */
import './polyfills';
import { inspect } from 'util';
import { N, Handle } from './native';
import {
  dtype,
  dtypeFromCode,
  bool as boolDtype,
  float16,
  float32,
  float64,
  bfloat16,
  int8,
  int16,
  int32,
  int64,
  uint8,
} from './dtype';
import { device, deviceFromCode, DeviceLike, toDevice } from './device';
import { argError, TorchError, typeName } from './errors';
import { Index, encodeIndex } from './indexing';
import { track } from './scope';
import { thread_generator } from './_thread_generator';
import type { Generator } from './generator';
import { formatTensor, PrintableTensor } from './_tensor_str';

/** A Python number: JS numbers (integers become integral scalars), booleans, bigints. */
export type Scalar = number | boolean | bigint;
export type Dim = number | readonly number[];
export type Shape = readonly number[];

/** torch.return_types.max etc.: destructures as `[values, indices]`, also has `.values`/`.indices`. */
export type ValuesIndices = [Tensor, Tensor] & { readonly values: Tensor; readonly indices: Tensor };

export function valuesIndices(pair: [Handle, Handle]): ValuesIndices {
  const values = new Tensor(pair[0]);
  const indices = new Tensor(pair[1]);
  const out = [values, indices] as ValuesIndices;
  Object.defineProperties(out, { values: { value: values }, indices: { value: indices } });
  return out;
}

export function isScalar(v: unknown): v is Scalar {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

function checkTensor(fn: string, name: string, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  throw argError(fn, name, 'Tensor', v);
}

function checkScalar(fn: string, name: string, v: unknown): Scalar {
  if (isScalar(v)) return v;
  throw argError(fn, name, 'Number', v);
}

/** For parameters that take a Tensor or a Number, once the Tensor case is ruled out. */
function checkOther(fn: string, name: string, v: unknown): Scalar {
  if (isScalar(v)) return v;
  throw argError(fn, name, 'Tensor or Number', v);
}

function checkInt(fn: string, name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw argError(fn, name, 'int', v);
}

function checkDims(fn: string, v: unknown): number[] {
  if (typeof v === 'number' && Number.isInteger(v)) return [v];
  if (Array.isArray(v) && v.every((d) => typeof d === 'number' && Number.isInteger(d))) return v as number[];
  throw argError(fn, 'dim', 'int or tuple of ints', v);
}

/** Accepts `f(2, 3)` and `f([2, 3])` as PyTorch does for sizes. */
export function sizeArgs(fn: string, args: readonly unknown[]): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  for (const s of list) {
    if (typeof s !== 'number' || !Number.isInteger(s)) throw argError(fn, 'size', 'tuple of ints', s);
  }
  return list as number[];
}

function wrap(h: Handle): Tensor {
  return new Tensor(h);
}

function wrapList(hs: Handle[]): Tensor[] {
  return hs.map(wrap);
}

export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: dtype;
}
export interface VarOptions {
  unbiased?: boolean;
  correction?: number;
  keepdim?: boolean;
}

/** Resolves (dim?, opts?) and (opts) call forms of reductions: `x.sum()`, `x.sum(1)`, `x.sum({ dim: 1 })`. */
function reduceArgs<O extends object>(
  fn: string,
  dim: Dim | null | undefined | (O & { dim?: Dim | null }),
  opts: O | undefined,
): [number[] | null, O] {
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) {
    const o = dim as O & { dim?: Dim | null };
    return [o.dim == null ? null : checkDims(fn, o.dim), o];
  }
  return [dim == null ? null : checkDims(fn, dim), (opts ?? {}) as O];
}

function correctionOf(o: VarOptions): number {
  if (o.correction !== undefined) return o.correction;
  return o.unbiased === false ? 0 : 1;
}

export class GradFn {
  /** @internal */
  constructor(private readonly _name: string) {}
  name(): string {
    return this._name;
  }
  toString(): string {
    return `<${this._name} object>`;
  }
}

export class Tensor {
  /** @internal The native handle. */
  readonly _h: Handle;

  /** @internal Use torch.tensor / torch.zeros / ... to create tensors. */
  constructor(handle: Handle) {
    this._h = handle;
    track(this);
  }

  // ---------------------------------------------------------------- lifetime

  /** Releases the native tensor now (the GC would do it later). Further use throws. */
  dispose(): void {
    N.dispose(this._h);
  }

  [Symbol.dispose](): void {
    N.dispose(this._h);
  }

  // ---------------------------------------------------------------- properties

  get shape(): number[] {
    return N.shape(this._h);
  }

  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return N.shape(this._h);
    return N.size(this._h, checkInt('size', 'dim', dim));
  }

  dim(): number {
    return N.dim(this._h);
  }

  get ndim(): number {
    return N.dim(this._h);
  }

  numel(): number {
    return N.numel(this._h);
  }

  nelement(): number {
    return N.numel(this._h);
  }

  get dtype(): dtype {
    return dtypeFromCode(N.dtype(this._h));
  }

  get device(): device {
    return deviceFromCode(N.device(this._h));
  }

  get is_cuda(): boolean {
    return this.device.type === 'cuda';
  }

  is_floating_point(): boolean {
    return this.dtype.is_floating_point;
  }

  element_size(): number {
    return N.element_size(this._h);
  }

  is_contiguous(): boolean {
    return N.is_contiguous(this._h);
  }

  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const s: number[] = N.stride(this._h);
    if (dim === undefined) return s;
    const d = checkInt('stride', 'dim', dim);
    if (d < -s.length || d >= s.length) {
      throw new TorchError(
        `Dimension out of range (expected to be in range of [${-s.length}, ${s.length - 1}], but got ${d})`,
        'IndexError',
      );
    }
    return s[d < 0 ? d + s.length : d];
  }

  storage_offset(): number {
    return N.storage_offset(this._h);
  }

  // ---------------------------------------------------------------- autograd basics

  get requires_grad(): boolean {
    return N.requires_grad(this._h);
  }

  set requires_grad(flag: boolean) {
    if (typeof flag !== 'boolean') throw argError('requires_grad', 'value', 'bool', flag);
    N.requires_grad_(this._h, flag);
  }

  requires_grad_(requires_grad = true): this {
    if (typeof requires_grad !== 'boolean') throw argError('requires_grad_', 'requires_grad', 'bool', requires_grad);
    // Python checks this before libtorch does, with its own wording.
    if (requires_grad && !this.dtype.is_floating_point) {
      throw new TorchError('only Tensors of floating point dtype can require gradients');
    }
    N.requires_grad_(this._h, requires_grad);
    return this;
  }

  get is_leaf(): boolean {
    return N.is_leaf(this._h);
  }

  get grad(): Tensor | null {
    const h = N.grad(this._h);
    return h === null ? null : wrap(h);
  }

  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw argError('grad', 'value', 'Tensor or None', g);
    N.set_grad(this._h, g === null ? null : g._h);
  }

  get grad_fn(): GradFn | null {
    const name: string = N.grad_fn_name(this._h);
    return name === '' ? null : new GradFn(name);
  }

  retain_grad(): void {
    N.retain_grad(this._h);
  }

  /**
   * Calls `hook(grad)` each time the gradient w.r.t. this tensor is computed; a returned Tensor
   * replaces the gradient. Returns a handle whose `remove()` unregisters the hook.
   */
  register_hook(hook: (grad: Tensor) => Tensor | void | undefined | null): { remove(): void } {
    if (typeof hook !== 'function') throw argError('register_hook', 'hook', 'a function', hook);
    if (!this.requires_grad) throw new TorchError("cannot register a hook on a tensor that doesn't require gradient");
    const id: number = N.register_hook(this._h, (g: Handle) => {
      const r = hook(wrap(g));
      return r instanceof Tensor ? r._h : undefined;
    });
    return { remove: () => N.remove_hook(this._h, id) };
  }

  backward(gradient?: Tensor | null, opts: { retain_graph?: boolean; create_graph?: boolean } = {}): void {
    if (gradient != null) checkTensor('backward', 'gradient', gradient);
    N.backward(this._h, gradient?._h ?? null, opts.retain_graph ?? null, opts.create_graph ?? false);
  }

  detach(): Tensor {
    return wrap(N.detach(this._h));
  }

  detach_(): this {
    N.detach_(this._h);
    return this;
  }

  // ---------------------------------------------------------------- data out

  /** The value of a one-element tensor: a number (bigint beyond 2^53 for int64) or a boolean. */
  item(): number | boolean | bigint {
    try {
      return N.item(this._h);
    } catch (e) {
      // Python raises its own error before libtorch's; checked only on the failure path.
      if (e instanceof TorchError && N.numel(this._h) !== 1) {
        throw new TorchError('only one element tensors can be converted to Python scalars', 'ValueError');
      }
      throw e;
    }
  }

  /** A contiguous CPU copy as a typed array (from any device). int64 -> BigInt64Array,
   *  bool -> Uint8Array, float16/bfloat16 -> Float32Array. */
  toTypedArray(): Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array {
    return N.toTypedArray(this._h);
  }

  /** Python's `x.numpy()`: a typed array sharing this CPU tensor's memory (writes show through). */
  numpy(): Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array {
    if (this.requires_grad) {
      throw new TorchError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    }
    if (this.device.type !== 'cpu') {
      throw new TorchError(
        `can't convert ${this.device.type}:${this.device.index ?? 0} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.`,
        'TypeError',
      );
    }
    if (!this.is_contiguous()) {
      throw new TorchError('numpy() in torchts needs a contiguous tensor: call .contiguous() first');
    }
    return N.sharedTypedArray(this._h);
  }

  /** Nested arrays of numbers (booleans for bool tensors); a 0-dim tensor gives its value. */
  tolist(): unknown {
    const shape = this.shape;
    const flat = this.toTypedArray();
    const isBool = this.dtype === boolDtype;
    const at = (i: number): number | boolean | bigint => {
      const v = flat[i];
      if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
      return isBool ? v !== 0 : v;
    };
    if (shape.length === 0) return at(0);
    let pos = 0;
    const build = (d: number): unknown[] => {
      const n = shape[d];
      const out = new Array(n);
      if (d === shape.length - 1) for (let i = 0; i < n; i++) out[i] = at(pos++);
      else for (let i = 0; i < n; i++) out[i] = build(d + 1);
      return out;
    };
    return build(0);
  }

  toString(): string {
    return formatTensor(this.printable());
  }

  [inspect.custom](): string {
    return this.toString();
  }

  private printable(): PrintableTensor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- read by the printable's getters
    const self = this;
    const fn = this.grad_fn;
    return {
      shape: this.shape,
      dtypeName: this.dtype.name,
      deviceStr: this.device.toString(),
      requiresGrad: this.requires_grad,
      gradFnName: fn ? fn.name() : null,
      values: () => self.toTypedArray(),
    };
  }

  // ---------------------------------------------------------------- conversion

  /**
   * `x.to(device)`, `x.to(dtype)`, `x.to(device, dtype)`, `x.to(other)`,
   * `x.to({ device, dtype, non_blocking, copy })`.
   */
  to(
    a: DeviceLike | dtype | Tensor | { device?: DeviceLike; dtype?: dtype; non_blocking?: boolean; copy?: boolean },
    b?: dtype | { non_blocking?: boolean; copy?: boolean },
    c?: { non_blocking?: boolean; copy?: boolean },
  ): Tensor {
    let dev: device | null = null;
    let dt: dtype | null = null;
    let opts: { non_blocking?: boolean; copy?: boolean } = {};
    if (a instanceof dtype) {
      dt = a;
      if (b !== undefined && !(b instanceof dtype)) opts = b;
    } else if (a instanceof Tensor) {
      dev = a.device;
      dt = a.dtype;
      if (b !== undefined && !(b instanceof dtype)) opts = b;
    } else if (typeof a === 'string' || a instanceof device) {
      dev = toDevice(a);
      if (b instanceof dtype) {
        dt = b;
        opts = c ?? {};
      } else if (b !== undefined) {
        opts = b;
      }
    } else if (a !== null && typeof a === 'object') {
      if (a.device !== undefined) dev = toDevice(a.device);
      if (a.dtype !== undefined) {
        if (!(a.dtype instanceof dtype)) throw argError('to', 'dtype', 'torch.dtype', a.dtype);
        dt = a.dtype;
      }
      opts = a;
    } else {
      throw new TypeError(`to() received an invalid combination of arguments: got (${typeName(a)})`);
    }
    return wrap(N.to(this._h, dev?.code ?? null, dt?.code ?? null, opts.non_blocking ?? false, opts.copy ?? false));
  }

  cuda(dev: DeviceLike | number = 'cuda'): Tensor {
    const d = toDevice(dev, 'cuda');
    if (d.type !== 'cuda') throw new TorchError(`Invalid device, must be cuda device`);
    return this.to(d);
  }

  cpu(): Tensor {
    return this.to('cpu');
  }

  type(t: dtype): Tensor {
    return this.to(t);
  }

  float(): Tensor {
    return this.to(float32);
  }
  double(): Tensor {
    return this.to(float64);
  }
  half(): Tensor {
    return this.to(float16);
  }
  bfloat16(): Tensor {
    return this.to(bfloat16);
  }
  long(): Tensor {
    return this.to(int64);
  }
  int(): Tensor {
    return this.to(int32);
  }
  short(): Tensor {
    return this.to(int16);
  }
  char(): Tensor {
    return this.to(int8);
  }
  byte(): Tensor {
    return this.to(uint8);
  }
  bool(): Tensor {
    return this.to(boolDtype);
  }

  clone(): Tensor {
    return wrap(N.clone(this._h));
  }

  copy_(src: Tensor, non_blocking = false): this {
    N.copy_(this._h, checkTensor('copy_', 'src', src)._h, non_blocking);
    return this;
  }

  contiguous(): Tensor {
    return wrap(N.contiguous(this._h));
  }

  pin_memory(): Tensor {
    return wrap(N.pin_memory(this._h));
  }

  is_pinned(): boolean {
    return N.is_pinned(this._h);
  }

  // ---------------------------------------------------------------- arithmetic

  add(other: Tensor | Scalar, opts?: { alpha?: Scalar }): Tensor {
    const alpha = opts?.alpha ?? 1;
    if (other instanceof Tensor) return wrap(N.add(this._h, other._h, alpha));
    return wrap(N.add_s(this._h, checkOther('add', 'other', other), alpha));
  }

  add_(other: Tensor | Scalar, opts?: { alpha?: Scalar }): this {
    const alpha = opts?.alpha ?? 1;
    if (other instanceof Tensor) N.add_(this._h, other._h, alpha);
    else N.add__s(this._h, checkOther('add_', 'other', other), alpha);
    return this;
  }

  sub(other: Tensor | Scalar, opts?: { alpha?: Scalar }): Tensor {
    const alpha = opts?.alpha ?? 1;
    if (other instanceof Tensor) return wrap(N.sub(this._h, other._h, alpha));
    return wrap(N.sub_s(this._h, checkOther('sub', 'other', other), alpha));
  }

  sub_(other: Tensor | Scalar, opts?: { alpha?: Scalar }): this {
    const alpha = opts?.alpha ?? 1;
    if (other instanceof Tensor) N.sub_(this._h, other._h, alpha);
    else N.sub__s(this._h, checkOther('sub_', 'other', other), alpha);
    return this;
  }

  /** Python's `other - self` for a scalar `other` (`torch.rsub`). */
  rsub(other: Tensor | Scalar, opts?: { alpha?: Scalar }): Tensor {
    if (other instanceof Tensor) return other.sub(this, opts);
    return wrap(N.rsub_s(this._h, checkOther('rsub', 'other', other), opts?.alpha ?? 1));
  }

  div(other: Tensor | Scalar, opts?: { rounding_mode?: 'trunc' | 'floor' | null }): Tensor {
    const mode = opts?.rounding_mode ?? null;
    if (other instanceof Tensor) return wrap(N.div(this._h, other._h, mode));
    return wrap(N.div_s(this._h, checkOther('div', 'other', other), mode));
  }

  div_(other: Tensor | Scalar, opts?: { rounding_mode?: 'trunc' | 'floor' | null }): this {
    const mode = opts?.rounding_mode ?? null;
    if (other instanceof Tensor) N.div_(this._h, other._h, mode);
    else N.div__s(this._h, checkOther('div_', 'other', other), mode);
    return this;
  }

  true_divide(other: Tensor | Scalar): Tensor {
    return this.div(other);
  }

  floor_divide(other: Tensor | Scalar): Tensor {
    return this.div(other, { rounding_mode: 'floor' });
  }

  lerp(end: Tensor, weight: Tensor | Scalar): Tensor {
    checkTensor('lerp', 'end', end);
    if (weight instanceof Tensor) return wrap(N.lerp(this._h, end._h, weight._h));
    return wrap(N.lerp_s(this._h, end._h, checkOther('lerp', 'weight', weight)));
  }

  lerp_(end: Tensor, weight: Tensor | Scalar): this {
    checkTensor('lerp_', 'end', end);
    if (weight instanceof Tensor) N.lerp_(this._h, end._h, weight._h);
    else N.lerp__s(this._h, end._h, checkOther('lerp_', 'weight', weight));
    return this;
  }

  addcmul(t1: Tensor, t2: Tensor, opts?: { value?: Scalar }): Tensor {
    return wrap(
      N.addcmul(
        this._h,
        checkTensor('addcmul', 'tensor1', t1)._h,
        checkTensor('addcmul', 'tensor2', t2)._h,
        opts?.value ?? 1,
      ),
    );
  }
  addcmul_(t1: Tensor, t2: Tensor, opts?: { value?: Scalar }): this {
    N.addcmul_(
      this._h,
      checkTensor('addcmul_', 'tensor1', t1)._h,
      checkTensor('addcmul_', 'tensor2', t2)._h,
      opts?.value ?? 1,
    );
    return this;
  }
  addcdiv(t1: Tensor, t2: Tensor, opts?: { value?: Scalar }): Tensor {
    return wrap(
      N.addcdiv(
        this._h,
        checkTensor('addcdiv', 'tensor1', t1)._h,
        checkTensor('addcdiv', 'tensor2', t2)._h,
        opts?.value ?? 1,
      ),
    );
  }
  addcdiv_(t1: Tensor, t2: Tensor, opts?: { value?: Scalar }): this {
    N.addcdiv_(
      this._h,
      checkTensor('addcdiv_', 'tensor1', t1)._h,
      checkTensor('addcdiv_', 'tensor2', t2)._h,
      opts?.value ?? 1,
    );
    return this;
  }

  clamp(
    min?: Tensor | Scalar | null | { min?: Tensor | Scalar | null; max?: Tensor | Scalar | null },
    max?: Tensor | Scalar | null,
  ): Tensor {
    const [lo, hi] = clampArgs(min, max);
    if (lo instanceof Tensor || hi instanceof Tensor)
      return wrap(N.clamp_t(this._h, tensorOrNull(this, lo), tensorOrNull(this, hi)));
    if (lo === null && hi === null)
      throw new TorchError("torch.clamp: At least one of 'min' or 'max' must not be None");
    return wrap(N.clamp(this._h, lo, hi));
  }

  clamp_(
    min?: Tensor | Scalar | null | { min?: Tensor | Scalar | null; max?: Tensor | Scalar | null },
    max?: Tensor | Scalar | null,
  ): this {
    const [lo, hi] = clampArgs(min, max);
    if (lo instanceof Tensor || hi instanceof Tensor)
      N.clamp_t_(this._h, tensorOrNull(this, lo), tensorOrNull(this, hi));
    else if (lo === null && hi === null)
      throw new TorchError("torch.clamp: At least one of 'min' or 'max' must not be None");
    else N.clamp_(this._h, lo, hi);
    return this;
  }

  clip(min?: Tensor | Scalar | null, max?: Tensor | Scalar | null): Tensor {
    return this.clamp(min, max);
  }
  clip_(min?: Tensor | Scalar | null, max?: Tensor | Scalar | null): this {
    return this.clamp_(min, max);
  }
  clamp_min(min: Scalar): Tensor {
    return this.clamp(min, null);
  }
  clamp_max(max: Scalar): Tensor {
    return this.clamp(null, max);
  }

  round(opts?: { decimals?: number }): Tensor {
    if (opts?.decimals) return wrap(N.round_decimals(this._h, checkInt('round', 'decimals', opts.decimals)));
    return wrap(N.round(this._h));
  }

  round_(opts?: { decimals?: number }): this {
    if (opts?.decimals) N.round_decimals_(this._h, checkInt('round_', 'decimals', opts.decimals));
    else N.round_(this._h);
    return this;
  }

  nan_to_num(opts: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor {
    return wrap(N.nan_to_num(this._h, opts.nan ?? 0, opts.posinf ?? null, opts.neginf ?? null));
  }

  isnan(): Tensor {
    return wrap(N.isnan(this._h));
  }
  isinf(): Tensor {
    return wrap(N.isinf(this._h));
  }
  isfinite(): Tensor {
    return wrap(N.isfinite(this._h));
  }

  maximum(other: Tensor): Tensor {
    return wrap(N.maximum(this._h, checkTensor('maximum', 'other', other)._h));
  }
  minimum(other: Tensor): Tensor {
    return wrap(N.minimum(this._h, checkTensor('minimum', 'other', other)._h));
  }
  atan2(other: Tensor): Tensor {
    return wrap(N.atan2(this._h, checkTensor('atan2', 'other', other)._h));
  }

  logical_and(other: Tensor): Tensor {
    return wrap(N.logical_and(this._h, checkTensor('logical_and', 'other', other)._h));
  }
  logical_or(other: Tensor): Tensor {
    return wrap(N.logical_or(this._h, checkTensor('logical_or', 'other', other)._h));
  }
  logical_xor(other: Tensor): Tensor {
    return wrap(N.logical_xor(this._h, checkTensor('logical_xor', 'other', other)._h));
  }
  logical_and_(other: Tensor): this {
    N.logical_and_(this._h, checkTensor('logical_and_', 'other', other)._h);
    return this;
  }
  logical_or_(other: Tensor): this {
    N.logical_or_(this._h, checkTensor('logical_or_', 'other', other)._h);
    return this;
  }
  logical_xor_(other: Tensor): this {
    N.logical_xor_(this._h, checkTensor('logical_xor_', 'other', other)._h);
    return this;
  }

  equal(other: Tensor): boolean {
    return N.equal(this._h, checkTensor('equal', 'other', other)._h);
  }

  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equal_nan?: boolean } = {}): boolean {
    return N.allclose(
      this._h,
      checkTensor('allclose', 'other', other)._h,
      opts.rtol ?? 1e-5,
      opts.atol ?? 1e-8,
      opts.equal_nan ?? false,
    );
  }

  isclose(other: Tensor, opts: { rtol?: number; atol?: number; equal_nan?: boolean } = {}): Tensor {
    return wrap(
      N.isclose(
        this._h,
        checkTensor('isclose', 'other', other)._h,
        opts.rtol ?? 1e-5,
        opts.atol ?? 1e-8,
        opts.equal_nan ?? false,
      ),
    );
  }

  // ---------------------------------------------------------------- linear algebra

  matmul(other: Tensor): Tensor {
    return wrap(N.matmul(this._h, checkTensor('matmul', 'other', other)._h));
  }
  mm(mat2: Tensor): Tensor {
    return wrap(N.mm(this._h, checkTensor('mm', 'mat2', mat2)._h));
  }
  bmm(mat2: Tensor): Tensor {
    return wrap(N.bmm(this._h, checkTensor('bmm', 'mat2', mat2)._h));
  }
  mv(vec: Tensor): Tensor {
    return wrap(N.mv(this._h, checkTensor('mv', 'vec', vec)._h));
  }
  dot(other: Tensor): Tensor {
    return wrap(N.dot(this._h, checkTensor('dot', 'other', other)._h));
  }
  outer(vec2: Tensor): Tensor {
    return wrap(N.outer(this._h, checkTensor('outer', 'vec2', vec2)._h));
  }
  addmm(mat1: Tensor, mat2: Tensor, opts: { beta?: Scalar; alpha?: Scalar } = {}): Tensor {
    return wrap(
      N.addmm(
        this._h,
        checkTensor('addmm', 'mat1', mat1)._h,
        checkTensor('addmm', 'mat2', mat2)._h,
        opts.beta ?? 1,
        opts.alpha ?? 1,
      ),
    );
  }
  addmm_(mat1: Tensor, mat2: Tensor, opts: { beta?: Scalar; alpha?: Scalar } = {}): this {
    N.addmm_(
      this._h,
      checkTensor('addmm_', 'mat1', mat1)._h,
      checkTensor('addmm_', 'mat2', mat2)._h,
      opts.beta ?? 1,
      opts.alpha ?? 1,
    );
    return this;
  }
  baddbmm(b1: Tensor, b2: Tensor, opts: { beta?: Scalar; alpha?: Scalar } = {}): Tensor {
    return wrap(
      N.baddbmm(
        this._h,
        checkTensor('baddbmm', 'batch1', b1)._h,
        checkTensor('baddbmm', 'batch2', b2)._h,
        opts.beta ?? 1,
        opts.alpha ?? 1,
      ),
    );
  }
  tril(diagonal = 0): Tensor {
    return wrap(N.tril(this._h, checkInt('tril', 'diagonal', diagonal)));
  }
  triu(diagonal = 0): Tensor {
    return wrap(N.triu(this._h, checkInt('triu', 'diagonal', diagonal)));
  }
  tril_(diagonal = 0): this {
    N.tril_(this._h, checkInt('tril_', 'diagonal', diagonal));
    return this;
  }
  triu_(diagonal = 0): this {
    N.triu_(this._h, checkInt('triu_', 'diagonal', diagonal));
    return this;
  }

  // ---------------------------------------------------------------- shape

  view(...shape: (number | readonly number[] | dtype)[]): Tensor {
    if (shape.length === 1 && shape[0] instanceof dtype) return wrap(N.view_dtype(this._h, shape[0].code));
    return wrap(N.view(this._h, sizeArgs('view', shape)));
  }
  view_as(other: Tensor): Tensor {
    return this.view(checkTensor('view_as', 'other', other).shape);
  }
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return wrap(N.reshape(this._h, sizeArgs('reshape', shape)));
  }
  reshape_as(other: Tensor): Tensor {
    return this.reshape(checkTensor('reshape_as', 'other', other).shape);
  }
  flatten(start_dim = 0, end_dim = -1): Tensor {
    return wrap(
      N.flatten(this._h, checkInt('flatten', 'start_dim', start_dim), checkInt('flatten', 'end_dim', end_dim)),
    );
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return wrap(N.unflatten(this._h, checkInt('unflatten', 'dim', dim), sizeArgs('unflatten', [sizes])));
  }
  squeeze(dim?: number): Tensor {
    return wrap(dim === undefined ? N.squeeze(this._h) : N.squeeze_dim(this._h, checkInt('squeeze', 'dim', dim)));
  }
  squeeze_(dim?: number): this {
    if (dim === undefined) N.squeeze_(this._h);
    else N.squeeze_dim_(this._h, checkInt('squeeze_', 'dim', dim));
    return this;
  }
  unsqueeze(dim: number): Tensor {
    return wrap(N.unsqueeze(this._h, checkInt('unsqueeze', 'dim', dim)));
  }
  unsqueeze_(dim: number): this {
    N.unsqueeze_(this._h, checkInt('unsqueeze_', 'dim', dim));
    return this;
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return wrap(N.permute(this._h, sizeArgs('permute', dims)));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(N.transpose(this._h, checkInt('transpose', 'dim0', dim0), checkInt('transpose', 'dim1', dim1)));
  }
  transpose_(dim0: number, dim1: number): this {
    N.transpose_(this._h, checkInt('transpose_', 'dim0', dim0), checkInt('transpose_', 'dim1', dim1));
    return this;
  }
  swapaxes(dim0: number, dim1: number): Tensor {
    return this.transpose(dim0, dim1);
  }
  t(): Tensor {
    return wrap(N.t(this._h));
  }
  t_(): this {
    N.t_(this._h);
    return this;
  }
  /** Python's `x.T`: reverses all dimensions. */
  get T(): Tensor {
    const n = this.dim();
    return this.permute([...Array(n).keys()].reverse());
  }
  /** Python's `x.mT`: transposes the last two dimensions. */
  get mT(): Tensor {
    return this.transpose(-2, -1);
  }
  expand(...sizes: (number | readonly number[])[]): Tensor {
    return wrap(N.expand(this._h, sizeArgs('expand', sizes)));
  }
  expand_as(other: Tensor): Tensor {
    return wrap(N.expand_as(this._h, checkTensor('expand_as', 'other', other)._h));
  }
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return wrap(N.repeat(this._h, sizeArgs('repeat', sizes)));
  }
  repeat_interleave(repeats: number, dim?: number | null): Tensor {
    return wrap(N.repeat_interleave(this._h, checkInt('repeat_interleave', 'repeats', repeats), dim ?? null));
  }
  flip(...dims: (number | readonly number[])[]): Tensor {
    return wrap(N.flip(this._h, sizeArgs('flip', dims)));
  }
  roll(shifts: number | readonly number[], dims: number | readonly number[] = []): Tensor {
    return wrap(N.roll(this._h, checkDims('roll', shifts), checkDims('roll', dims)));
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return wrap(N.movedim(this._h, checkDims('movedim', source), checkDims('movedim', destination)));
  }

  split(split_size_or_sections: number | readonly number[], dim = 0): Tensor[] {
    if (typeof split_size_or_sections === 'number') {
      return wrapList(
        N.split(this._h, checkInt('split', 'split_size', split_size_or_sections), checkInt('split', 'dim', dim)),
      );
    }
    return wrapList(N.split_sizes(this._h, sizeArgs('split', [split_size_or_sections]), checkInt('split', 'dim', dim)));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return wrapList(N.chunk(this._h, checkInt('chunk', 'chunks', chunks), checkInt('chunk', 'dim', dim)));
  }
  unbind(dim = 0): Tensor[] {
    return wrapList(N.unbind(this._h, checkInt('unbind', 'dim', dim)));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(
      N.narrow(
        this._h,
        checkInt('narrow', 'dim', dim),
        checkInt('narrow', 'start', start),
        checkInt('narrow', 'length', length),
      ),
    );
  }
  select(dim: number, index: number): Tensor {
    return wrap(N.select(this._h, checkInt('select', 'dim', dim), checkInt('select', 'index', index)));
  }
  index_select(dim: number, index: Tensor): Tensor {
    return wrap(
      N.index_select(this._h, checkInt('index_select', 'dim', dim), checkTensor('index_select', 'index', index)._h),
    );
  }
  gather(dim: number, index: Tensor): Tensor {
    return wrap(N.gather(this._h, checkInt('gather', 'dim', dim), checkTensor('gather', 'index', index)._h));
  }
  scatter(dim: number, index: Tensor, src: Tensor | Scalar): Tensor {
    checkTensor('scatter', 'index', index);
    if (src instanceof Tensor) return wrap(N.scatter(this._h, checkInt('scatter', 'dim', dim), index._h, src._h));
    return wrap(N.scatter_s(this._h, checkInt('scatter', 'dim', dim), index._h, checkOther('scatter', 'value', src)));
  }
  scatter_(dim: number, index: Tensor, src: Tensor | Scalar): this {
    checkTensor('scatter_', 'index', index);
    if (src instanceof Tensor) N.scatter_(this._h, checkInt('scatter_', 'dim', dim), index._h, src._h);
    else N.scatter__s(this._h, checkInt('scatter_', 'dim', dim), index._h, checkOther('scatter_', 'value', src));
    return this;
  }
  scatter_add(dim: number, index: Tensor, src: Tensor): Tensor {
    return wrap(
      N.scatter_add(
        this._h,
        checkInt('scatter_add', 'dim', dim),
        checkTensor('scatter_add', 'index', index)._h,
        checkTensor('scatter_add', 'src', src)._h,
      ),
    );
  }
  scatter_add_(dim: number, index: Tensor, src: Tensor): this {
    N.scatter_add_(
      this._h,
      checkInt('scatter_add_', 'dim', dim),
      checkTensor('scatter_add_', 'index', index)._h,
      checkTensor('scatter_add_', 'src', src)._h,
    );
    return this;
  }
  masked_fill(mask: Tensor, value: Tensor | Scalar): Tensor {
    checkTensor('masked_fill', 'mask', mask);
    if (value instanceof Tensor) return wrap(N.masked_fill_t(this._h, mask._h, value._h));
    return wrap(N.masked_fill(this._h, mask._h, checkOther('masked_fill', 'value', value)));
  }
  masked_fill_(mask: Tensor, value: Tensor | Scalar): this {
    checkTensor('masked_fill_', 'mask', mask);
    if (value instanceof Tensor) N.masked_fill_t_(this._h, mask._h, value._h);
    else N.masked_fill_(this._h, mask._h, checkOther('masked_fill_', 'value', value));
    return this;
  }
  masked_select(mask: Tensor): Tensor {
    return wrap(N.masked_select(this._h, checkTensor('masked_select', 'mask', mask)._h));
  }
  /** `x.where(condition, y)` is `torch.where(condition, x, y)`. */
  where(condition: Tensor, other: Tensor | Scalar): Tensor {
    return whereImpl(condition, this, other);
  }
  nonzero(): Tensor {
    return wrap(N.nonzero(this._h));
  }
  take(index: Tensor): Tensor {
    return wrap(N.take(this._h, checkTensor('take', 'index', index)._h));
  }
  index_fill_(dim: number, index: Tensor, value: Scalar): this {
    N.index_fill_(
      this._h,
      checkInt('index_fill_', 'dim', dim),
      checkTensor('index_fill_', 'index', index)._h,
      checkScalar('index_fill_', 'value', value),
    );
    return this;
  }
  index_add_(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: Scalar }): this {
    N.index_add_(
      this._h,
      checkInt('index_add_', 'dim', dim),
      checkTensor('index_add_', 'index', index)._h,
      checkTensor('index_add_', 'source', source)._h,
      opts?.alpha ?? 1,
    );
    return this;
  }

  /** Python's `x[...]`: `x.index([null, torch.slice(1, 3)])` or `x.index(':, 1:3')`. */
  index(indices: Index): Tensor {
    return wrap(N.index(this._h, encodeIndex(indices, isTensor)));
  }

  /** Python's `x[...] = value` (in place). */
  index_put_(indices: Index, value: Tensor | Scalar): this {
    const enc = encodeIndex(indices, isTensor);
    if (value instanceof Tensor) N.index_put_(this._h, enc, value._h);
    else N.index_put__s(this._h, enc, checkOther('index_put_', 'value', value));
    return this;
  }

  // ---------------------------------------------------------------- reductions

  sum(dim?: Dim | null | (ReduceOptions & { dim?: Dim | null }), opts?: ReduceOptions): Tensor {
    const [d, o] = reduceArgs('sum', dim, opts);
    // The no-dim overload is a different autograd node (SumBackward0), as in Python.
    if (d === null && !o.keepdim) return wrap(N.sum_all(this._h, o.dtype?.code ?? null));
    return wrap(N.sum(this._h, d, o.keepdim ?? false, o.dtype?.code ?? null));
  }
  nansum(dim?: Dim | null | (ReduceOptions & { dim?: Dim | null }), opts?: ReduceOptions): Tensor {
    const [d, o] = reduceArgs('nansum', dim, opts);
    return wrap(N.nansum(this._h, d, o.keepdim ?? false));
  }
  mean(dim?: Dim | null | (ReduceOptions & { dim?: Dim | null }), opts?: ReduceOptions): Tensor {
    const [d, o] = reduceArgs('mean', dim, opts);
    if (d === null && !o.keepdim) return wrap(N.mean_all(this._h, o.dtype?.code ?? null));
    return wrap(N.mean(this._h, d, o.keepdim ?? false, o.dtype?.code ?? null));
  }
  std(dim?: Dim | null | boolean | (VarOptions & { dim?: Dim | null }), opts?: VarOptions): Tensor {
    if (typeof dim === 'boolean') return this.std(null, { unbiased: dim });
    const [d, o] = reduceArgs('std', dim, opts);
    return wrap(N.std(this._h, d, correctionOf(o), o.keepdim ?? false));
  }
  var(dim?: Dim | null | boolean | (VarOptions & { dim?: Dim | null }), opts?: VarOptions): Tensor {
    if (typeof dim === 'boolean') return this.var(null, { unbiased: dim });
    const [d, o] = reduceArgs('var', dim, opts);
    return wrap(N.var(this._h, d, correctionOf(o), o.keepdim ?? false));
  }
  prod(dim?: number | null | (ReduceOptions & { dim?: number | null }), opts?: ReduceOptions): Tensor {
    const [d, o] = reduceArgs('prod', dim, opts);
    if (d === null) return wrap(N.prod(this._h, o.dtype?.code ?? null));
    return wrap(N.prod_dim(this._h, d[0], o.keepdim ?? false, o.dtype?.code ?? null));
  }

  /** `x.max()` -> Tensor; `x.max(dim, { keepdim })` -> [values, indices]; `x.max(other)` -> maximum. */
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number, opts?: { keepdim?: boolean }): ValuesIndices;
  max(dim?: number | Tensor, opts?: { keepdim?: boolean }): Tensor | ValuesIndices {
    if (dim === undefined) return wrap(N.max(this._h));
    if (dim instanceof Tensor) return this.maximum(dim);
    return valuesIndices(N.max_dim(this._h, checkInt('max', 'dim', dim), opts?.keepdim ?? false));
  }
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number, opts?: { keepdim?: boolean }): ValuesIndices;
  min(dim?: number | Tensor, opts?: { keepdim?: boolean }): Tensor | ValuesIndices {
    if (dim === undefined) return wrap(N.min(this._h));
    if (dim instanceof Tensor) return this.minimum(dim);
    return valuesIndices(N.min_dim(this._h, checkInt('min', 'dim', dim), opts?.keepdim ?? false));
  }
  amax(dim: Dim = [], opts?: { keepdim?: boolean }): Tensor {
    return wrap(N.amax(this._h, checkDims('amax', dim), opts?.keepdim ?? false));
  }
  amin(dim: Dim = [], opts?: { keepdim?: boolean }): Tensor {
    return wrap(N.amin(this._h, checkDims('amin', dim), opts?.keepdim ?? false));
  }
  argmax(dim?: number | null, opts?: { keepdim?: boolean }): Tensor {
    return wrap(N.argmax(this._h, dim ?? null, opts?.keepdim ?? false));
  }
  argmin(dim?: number | null, opts?: { keepdim?: boolean }): Tensor {
    return wrap(N.argmin(this._h, dim ?? null, opts?.keepdim ?? false));
  }
  all(dim?: number, opts?: { keepdim?: boolean }): Tensor {
    if (dim === undefined) return wrap(N.all(this._h));
    return wrap(N.all_dim(this._h, checkInt('all', 'dim', dim), opts?.keepdim ?? false));
  }
  any(dim?: number, opts?: { keepdim?: boolean }): Tensor {
    if (dim === undefined) return wrap(N.any(this._h));
    return wrap(N.any_dim(this._h, checkInt('any', 'dim', dim), opts?.keepdim ?? false));
  }
  norm(p: number | 'fro' = 'fro', dim?: Dim | null, opts?: { keepdim?: boolean }): Tensor {
    const pv = p === 'fro' ? 2 : p;
    if (typeof pv !== 'number') throw argError('norm', 'p', 'Number or "fro"', p);
    return wrap(N.norm(this._h, pv, dim == null ? null : checkDims('norm', dim), opts?.keepdim ?? false));
  }
  logsumexp(dim: Dim, opts?: { keepdim?: boolean }): Tensor {
    return wrap(N.logsumexp(this._h, checkDims('logsumexp', dim), opts?.keepdim ?? false));
  }
  cumsum(dim: number, opts?: { dtype?: dtype }): Tensor {
    return wrap(N.cumsum(this._h, checkInt('cumsum', 'dim', dim), opts?.dtype?.code ?? null));
  }
  cumprod(dim: number, opts?: { dtype?: dtype }): Tensor {
    return wrap(N.cumprod(this._h, checkInt('cumprod', 'dim', dim), opts?.dtype?.code ?? null));
  }
  topk(k: number, dim = -1, opts: { largest?: boolean; sorted?: boolean } = {}): ValuesIndices {
    return valuesIndices(
      N.topk(
        this._h,
        checkInt('topk', 'k', k),
        checkInt('topk', 'dim', dim),
        opts.largest ?? true,
        opts.sorted ?? true,
      ),
    );
  }
  sort(
    dim: number | { dim?: number; descending?: boolean; stable?: boolean } = -1,
    opts: { descending?: boolean; stable?: boolean } = {},
  ): ValuesIndices {
    if (typeof dim === 'object') return this.sort(dim.dim ?? -1, dim);
    return valuesIndices(N.sort(this._h, checkInt('sort', 'dim', dim), opts.descending ?? false, opts.stable ?? false));
  }
  argsort(dim = -1, opts: { descending?: boolean } = {}): Tensor {
    return wrap(N.argsort(this._h, checkInt('argsort', 'dim', dim), opts.descending ?? false));
  }
  median(): Tensor;
  median(dim: number, opts?: { keepdim?: boolean }): ValuesIndices;
  median(dim?: number, opts?: { keepdim?: boolean }): Tensor | ValuesIndices {
    if (dim === undefined) return wrap(N.median(this._h));
    return valuesIndices(N.median_dim(this._h, checkInt('median', 'dim', dim), opts?.keepdim ?? false));
  }
  count_nonzero(dim?: Dim | null): Tensor {
    return wrap(N.count_nonzero(this._h, dim == null ? null : checkDims('count_nonzero', dim)));
  }

  // ---------------------------------------------------------------- in-place fills and random

  fill_(value: Scalar): this {
    N.fill_(this._h, checkScalar('fill_', 'value', value));
    return this;
  }
  zero_(): this {
    N.zero_(this._h);
    return this;
  }
  /** In a DataLoader worker thread, draws from that worker's generator (see creation.ts RandomOptions). */
  uniform_(from = 0, to = 1, opts?: { generator?: Generator | null }): this {
    const g = opts?.generator ?? thread_generator();
    if (g) N.uniform_g_(this._h, from, to, g._g);
    else N.uniform_(this._h, from, to);
    return this;
  }
  normal_(mean = 0, std = 1, opts?: { generator?: Generator | null }): this {
    const g = opts?.generator ?? thread_generator();
    if (g) N.normal_g_(this._h, mean, std, g._g);
    else N.normal_(this._h, mean, std);
    return this;
  }
  bernoulli_(p = 0.5): this {
    N.bernoulli_(this._h, p);
    return this;
  }
  random_(from = 0, to: number | null = null): this {
    N.random_(this._h, from, to);
    return this;
  }

  // ---------------------------------------------------------------- iteration

  /** Iterates over the first dimension, like Python's `for row in x`. */
  *[Symbol.iterator](): IterableIterator<Tensor> {
    if (this.dim() === 0) throw new TypeError('iteration over a 0-d tensor');
    const n = this.size(0);
    for (let i = 0; i < n; i++) yield this.select(0, i);
  }
}

export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

function clampArgs(
  min: Tensor | Scalar | null | undefined | { min?: Tensor | Scalar | null; max?: Tensor | Scalar | null },
  max: Tensor | Scalar | null | undefined,
): [Tensor | Scalar | null, Tensor | Scalar | null] {
  if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) return [min.min ?? null, min.max ?? null];
  const check = (name: string, v: unknown) => {
    if (v === null || v === undefined) return null;
    if (v instanceof Tensor || isScalar(v)) return v;
    throw argError('clamp', name, 'Tensor or Number', v);
  };
  return [check('min', min), check('max', max)];
}

function tensorOrNull(like: Tensor, v: Tensor | Scalar | null): Handle | null {
  if (v === null) return null;
  if (v instanceof Tensor) return v._h;
  return N.full_like(like._h, v, 0);
}

export function whereImpl(condition: Tensor, input: Tensor | Scalar, other: Tensor | Scalar): Tensor {
  checkTensor('where', 'condition', condition);
  if (input instanceof Tensor) {
    if (other instanceof Tensor) return wrap(N.where(condition._h, input._h, other._h));
    return wrap(N.where_ts(condition._h, input._h, checkOther('where', 'other', other)));
  }
  checkOther('where', 'input', input);
  if (other instanceof Tensor) return wrap(N.where_st(condition._h, input, other._h));
  return wrap(N.where_ss(condition._h, input, checkOther('where', 'other', other)));
}

// ------------------------------------------------------------------ generated method families
// Adding an op of one of these shapes is one name here plus one line in native/ops_math.cc.

/** Unary ops with an in-place `_` variant: `x.exp()`, `x.exp_()`. */
export const UNARY_OPS = [
  'neg',
  'abs',
  'exp',
  'exp2',
  'expm1',
  'log',
  'log2',
  'log10',
  'log1p',
  'sqrt',
  'rsqrt',
  'square',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'sigmoid',
  'relu',
  'floor',
  'ceil',
  'trunc',
  'frac',
  'sign',
  'reciprocal',
  'erf',
  'logical_not',
  'bitwise_not',
] as const;

/** Binary ops taking a Tensor or a Scalar, with in-place variants: `x.mul(y)`, `x.mul_(2)`. */
export const BINARY_OPS = [
  'mul',
  'pow',
  'fmod',
  'remainder',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'bitwise_and',
  'bitwise_or',
  'bitwise_xor',
] as const;

type UnaryName = (typeof UNARY_OPS)[number];
type BinaryName = (typeof BINARY_OPS)[number];

type UnaryMethods = { [K in UnaryName]: () => Tensor } & { [K in `${UnaryName}_`]: () => Tensor };
type BinaryMethods = { [K in BinaryName]: (other: Tensor | Scalar) => Tensor } & {
  [K in `${BinaryName}_`]: (other: Tensor | Scalar) => Tensor;
};

export interface Tensor extends UnaryMethods, BinaryMethods {}

// Aliases PyTorch has for these.
export interface Tensor {
  negative(): Tensor;
  absolute(): Tensor;
  multiply(other: Tensor | Scalar): Tensor;
  subtract(other: Tensor | Scalar, opts?: { alpha?: Scalar }): Tensor;
  divide(other: Tensor | Scalar, opts?: { rounding_mode?: 'trunc' | 'floor' | null }): Tensor;
  greater(other: Tensor | Scalar): Tensor;
  less(other: Tensor | Scalar): Tensor;
  greater_equal(other: Tensor | Scalar): Tensor;
  less_equal(other: Tensor | Scalar): Tensor;
  not_equal(other: Tensor | Scalar): Tensor;
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const name of UNARY_OPS) {
  const op = N[name];
  const inplace = N[`${name}_`];
  proto[name] = function (this: Tensor): Tensor {
    return wrap(op(this._h));
  };
  proto[`${name}_`] = function (this: Tensor): Tensor {
    inplace(this._h);
    return this;
  };
}
for (const name of BINARY_OPS) {
  const tt = N[name];
  const ts = N[`${name}_s`];
  const tt_ = N[`${name}_`];
  const ts_ = N[`${name}__s`];
  proto[name] = function (this: Tensor, other: Tensor | Scalar): Tensor {
    if (other instanceof Tensor) return wrap(tt(this._h, other._h));
    return wrap(ts(this._h, checkOther(name, 'other', other)));
  };
  proto[`${name}_`] = function (this: Tensor, other: Tensor | Scalar): Tensor {
    if (other instanceof Tensor) tt_(this._h, other._h);
    else ts_(this._h, checkOther(`${name}_`, 'other', other));
    return this;
  };
}
const aliases: Record<string, string> = {
  negative: 'neg',
  absolute: 'abs',
  multiply: 'mul',
  subtract: 'sub',
  divide: 'div',
  greater: 'gt',
  less: 'lt',
  greater_equal: 'ge',
  less_equal: 'le',
  not_equal: 'ne',
};
for (const [alias, target] of Object.entries(aliases)) proto[alias] = proto[target];
