/**
 * Helpers shared by the layer files: torch/nn/modules/utils.py (`_single`, `_pair`, ...), Python's
 * argument binding for `new Layer(a, b, { c })`, and Python's `repr` of the values extra_repr prints.
 */
import type { DeviceLike } from '../../device';
import type { dtype } from '../../dtype';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import { Module } from './module';

// ------------------------------------------------------------------ torch/nn/modules/utils.py

/** `int | tuple of ints`: PyTorch's `_size_Nd_t`. */
export type SizeArg = number | readonly number[];

function _ntuple(n: number): (x: SizeArg) => number[] {
  return (x) => (typeof x === 'number' ? Array<number>(n).fill(x) : [...x]);
}

export const _single = _ntuple(1);
export const _pair = _ntuple(2);
export const _triple = _ntuple(3);

/** `(1, 2)` with n=2 -> `[2, 2, 1, 1]`: conv padding in F.pad's last-dim-first order. */
export function _reverse_repeat_tuple(t: readonly number[], n: number): number[] {
  return [...t].reverse().flatMap((x) => Array<number>(n).fill(x));
}

// ------------------------------------------------------------------ Python argument binding

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

type OptionsTail<S, Used extends keyof S> = [Exclude<RequiredKeys<S>, Used>] extends [never]
  ? [options?: Omit<S, Used>]
  : [options: Omit<S, Used>];

/**
 * The argument lists Python accepts for a signature: any prefix of `Names` positionally, then an
 * options object holding the remaining arguments by name (required ones included). `S` lists every
 * argument with its type; arguments with defaults are optional properties.
 */
export type PyArgs<S, Names extends readonly (keyof S)[], Done extends unknown[] = [], Used extends keyof S = never> =
  | [...Done, ...OptionsTail<S, Used>]
  | (Names extends readonly [infer H extends keyof S, ...infer R extends readonly (keyof S)[]]
      ? PyArgs<S, R, [...Done, S[H]], Used | H>
      : never);

/** Marks an argument without a default in a `bindArgs` spec. */
export const REQUIRED: unique symbol = Symbol('required');

/** Keyword arguments are a trailing plain object (not a Tensor, dtype, device or array). */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function quoteList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length === 1) return q[0];
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/**
 * Binds `args` the way Python binds a call to `qualname(self, <spec names>)`: positional values in
 * order, then a trailing options object by name; defaults fill the rest (`undefined` counts as not
 * given, `null` is Python's None). Errors are Python's TypeErrors, word for word. The names that took
 * their default are added to `defaulted` (Python keeps a float default like `alpha=1.` a float).
 */
export function bindArgs<S>(
  qualname: string,
  spec: readonly (readonly [string, unknown])[],
  args: readonly unknown[],
  defaulted?: Set<string>,
): S {
  let positional = args;
  let keywords: Record<string, unknown> = {};
  if (args.length > 0 && isOptionsObject(args[args.length - 1])) {
    keywords = args[args.length - 1] as Record<string, unknown>;
    positional = args.slice(0, -1);
  }
  while (positional.length > 0 && positional[positional.length - 1] === undefined) positional = positional.slice(0, -1);
  const nRequired = spec.filter(([, d]) => d === REQUIRED).length;
  if (positional.length > spec.length) {
    // Python counts `self`.
    const takes = nRequired === spec.length ? `${spec.length + 1}` : `from ${nRequired + 1} to ${spec.length + 1}`;
    throw new TypeError(`${qualname}() takes ${takes} positional arguments but ${positional.length + 1} were given`);
  }
  const names = spec.map(([n]) => n);
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]] = v;
  });
  for (const [k, v] of Object.entries(keywords)) {
    if (v === undefined) continue;
    if (!names.includes(k)) throw new TypeError(`${qualname}() got an unexpected keyword argument '${k}'`);
    if (k in out) throw new TypeError(`${qualname}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = spec.filter(([n, d]) => d === REQUIRED && !(n in out)).map(([n]) => n);
  if (missing.length) {
    const noun = missing.length === 1 ? 'argument' : 'arguments';
    throw new TypeError(`${qualname}() missing ${missing.length} required positional ${noun}: ${quoteList(missing)}`);
  }
  for (const [n, d] of spec) {
    if (n in out) continue;
    out[n] = d;
    defaulted?.add(n);
  }
  return out as S;
}

// ------------------------------------------------------------------ Python repr of settings

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const e = Number(expText);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const s = String(x); // JS prints fixed notation throughout this range
  return s.includes('.') ? s : `${s}.0`;
}

/**
 * Python's `repr` of a setting: an integer-valued number is an int (the project's convention),
 * others floats; booleans True/False, null None, arrays tuples, strings quoted.
 */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') {
    // Python quotes with ' unless the text has a ' and no ".
    const body = v.replace(/\\/g, '\\\\');
    if (v.includes("'") && !v.includes('"')) return `"${body}"`;
    return `'${body.replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (v instanceof Tensor) return v.toString();
  return String(v);
}

/** Python's `str` / `'{}'.format(v)`: as repr, but strings unquoted. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** A number that Python holds as a float (`float(x)`, or a float default like `alpha=1.`). */
export function pyFloatOrTuple(v: number | readonly number[]): string {
  return typeof v === 'number' ? pyFloat(v) : v.length === 1 ? `(${pyFloat(v[0])},)` : `(${v.map(pyFloat).join(', ')})`;
}

/** `'{a}, b={b}'` with Python's str of this object's fields: extra_repr's `s.format(**self.__dict__)`. */
export function formatFields(template: string, fields: object): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => pyStr((fields as Record<string, unknown>)[k]));
}

// ------------------------------------------------------------------ shared layer plumbing

/** Python's `factory_kwargs`: where and in which dtype a layer creates its parameters. */
export interface FactoryKwargs {
  device?: DeviceLike | null;
  dtype?: dtype | null;
}

export function valueError(message: string): TorchError {
  return new TorchError(message, 'ValueError');
}

/**
 * A module's children in registration order, duplicates included (Python's `_modules.items()`).
 * named_children() skips a module registered twice; every registered child is also an own field
 * holding a Module, so when the counts agree there is none, and otherwise the full traversal
 * (direct children are the names without a dot) lists them all.
 */
export function childEntries(m: Module): [string, Module][] {
  const unique = [...m.named_children()];
  let registered = 0;
  for (const key of Object.keys(m)) if ((m as unknown as Record<string, unknown>)[key] instanceof Module) registered++;
  if (registered === unique.length) return unique;
  const out: [string, Module][] = [];
  for (const [name, child] of m.named_modules(new Set(), '', false)) {
    if (name !== '' && !name.includes('.')) out.push([name, child]);
  }
  return out;
}
