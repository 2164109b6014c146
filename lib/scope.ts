/**
 * Deterministic release besides the garbage collector: `torch.scope(fn)` disposes every tensor
 * created while `fn` runs, except those it returns (the tfjs `tidy` idea) and those passed to
 * `torch.keep`. Scopes nest; what a scope returns belongs to the enclosing scope.
 */
import type { Tensor } from './tensor';

interface Disposable {
  dispose(): void;
}

const stack: Set<Disposable>[] = [];

/** @internal Called for every new Tensor. */
export function track(t: Disposable): void {
  if (stack.length !== 0) stack[stack.length - 1].add(t);
}

/** Exempts a tensor from the enclosing scope's cleanup (e.g. a running statistic kept outside). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of stack) s.delete(t);
  return t;
}

function collect(value: unknown, out: Set<unknown>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (typeof (value as Disposable).dispose === 'function' && '_h' in (value as object)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, seen);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, out, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value as object)) collect(v, out, seen);
  }
}

/** Runs `fn`, then disposes the tensors it created that are not in its result. */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`scope(): argument 'fn' must be a function, not ${typeof fn}`);
  const mine = new Set<Disposable>();
  stack.push(mine);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    for (const t of mine) t.dispose();
    throw e;
  }
  stack.pop();
  if (result instanceof Promise) {
    for (const t of mine) t.dispose();
    throw new TypeError('scope(): the function must be synchronous (it returned a Promise)');
  }
  const kept = new Set<unknown>();
  collect(result, kept, new Set());
  for (const t of mine) if (!kept.has(t)) t.dispose();
  const outer = stack[stack.length - 1];
  if (outer) for (const t of kept) if (mine.has(t as Disposable)) outer.add(t as Disposable);
  return result;
}
