/**
 * Grad mode and torch.autograd.grad. Grad mode lives in libtorch and is thread-local there, so
 * each worker thread has its own, as in PyTorch.
 */
import { N, Handle } from './native';
import { argError } from './errors';
import { Tensor } from './tensor';

export function is_grad_enabled(): boolean {
  return N.is_grad_enabled();
}

/** torch.set_grad_enabled(mode): sets grad mode (returns nothing; use with_grad_mode for scoping). */
export function set_grad_enabled(mode: boolean): void {
  if (typeof mode !== 'boolean') throw argError('set_grad_enabled', 'mode', 'bool', mode);
  N.set_grad_enabled(mode);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * Runs fn with grad mode set to `mode` and restores the previous mode afterwards, also when fn
 * throws. An async fn keeps the mode until its promise settles (other code that runs while it
 * awaits sees the same mode: grad mode is per thread, not per async task).
 */
export function with_grad_mode<T>(mode: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw argError('no_grad', 'fn', 'a function', fn);
  const prev = N.is_grad_enabled();
  N.set_grad_enabled(mode);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    N.set_grad_enabled(prev);
    throw e;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).finally(() => N.set_grad_enabled(prev)) as T;
  }
  N.set_grad_enabled(prev);
  return result;
}

/** `torch.no_grad(() => ...)`: Python's `with torch.no_grad():` block. */
export function no_grad<T>(fn: () => T): T {
  return with_grad_mode(false, fn);
}

/** `torch.enable_grad(() => ...)`: Python's `with torch.enable_grad():` block. */
export function enable_grad<T>(fn: () => T): T {
  return with_grad_mode(true, fn);
}

export interface GradOptions {
  grad_outputs?: Tensor | readonly (Tensor | null)[] | null;
  retain_graph?: boolean | null;
  create_graph?: boolean;
  allow_unused?: boolean;
}

function tensorArray(fn: string, name: string, v: Tensor | readonly Tensor[]): Tensor[] {
  const list = v instanceof Tensor ? [v] : v;
  if (!Array.isArray(list)) throw argError(fn, name, 'Tensor or sequence of Tensors', v);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw argError(fn, `${name}[${i}]`, 'Tensor', t);
  });
  return list as Tensor[];
}

/**
 * torch.autograd.grad(outputs, inputs, { grad_outputs, retain_graph, create_graph, allow_unused }):
 * the gradients of outputs w.r.t. inputs (null for an unused input when allow_unused).
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = tensorArray('grad', 'outputs', outputs);
  const ins = tensorArray('grad', 'inputs', inputs);
  const go =
    opts.grad_outputs == null ? [] : opts.grad_outputs instanceof Tensor ? [opts.grad_outputs] : [...opts.grad_outputs];
  // libtorch takes undefined tensors for "implicit ones"; only all-or-nothing is passed through here.
  const goHandles = go.some((g) => g === null) ? [] : (go as Tensor[]).map((g) => g._h);
  const create = opts.create_graph ?? false;
  const result: (Handle | null)[] = N.autograd_grad(
    outs.map((t) => t._h),
    ins.map((t) => t._h),
    goHandles,
    opts.retain_graph ?? null,
    create,
    opts.allow_unused ?? false,
  );
  return result.map((h) => (h === null ? null : new Tensor(h)));
}
