/**
 * torch.optim.Optimizer (PyTorch 1.13, torch/optim/optimizer.py): parameter groups, per-parameter
 * state keyed by the parameter Tensor, zero_grad, state_dict / load_state_dict in PyTorch's layout.
 *
 * Subclasses implement `_update(group)`, which makes ONE native call for the whole group
 * (native/ops_optim.cc): a step never costs a JS->native round trip per parameter per op.
 */
import { inspect } from 'util';
import { N, Handle } from '../native';
import { Tensor } from '../tensor';
import { TorchError, argError, typeName } from '../errors';
import { keep } from '../scope';

/** Python's `torch.optim.optimizer.required`: a default that every param group must override. */
export const required: unique symbol = Symbol('<required parameter>');
export type Required = typeof required;

/** Options every optimizer has; subclasses add theirs (`momentum`, `betas`, ...). */
export interface OptimizerDefaults {
  lr: number;
}

/** `optimizer.defaults`: like the options, except that SGD's `lr` may be `required`. */
export type DefaultsOf<D> = { [K in keyof D]: K extends 'lr' ? D[K] | Required : D[K] };

/**
 * One entry of `optimizer.param_groups`: the parameters plus every option (a Python dict). Other
 * keys may be added, as in Python (lr schedulers add `initial_lr`).
 */
export type Group<D = OptimizerDefaults> = D & { params: Tensor[]; [option: string]: unknown };
export type ParamGroup = Group<OptimizerDefaults>;

/** A param group as given to a constructor or add_param_group: options not given use the defaults. */
export type ParamGroupInput<D = OptimizerDefaults> = Partial<D> & {
  params: Tensor | Iterable<Tensor>;
  [option: string]: unknown;
};

/** What an optimizer's first argument may be: tensors, or param groups (dicts). */
export type ParamsInput<D = OptimizerDefaults> = Iterable<Tensor> | Iterable<ParamGroupInput<D>>;

/** `optimizer.state_dict()`: state keyed by parameter index (int keys), groups with index lists. */
export interface OptimizerStateDict<S = object> {
  state: Map<number, S>;
  param_groups: Array<{ params: number[]; [option: string]: unknown }>;
}

/**
 * Accepted by load_state_dict: any optimizer's state_dict, also with `state` as a plain object with
 * integer-string keys (JSON) and entries in older layouts (e.g. a numeric Adam `step`).
 */
export interface OptimizerStateDictInput {
  state: Map<number, object> | Record<string, object>;
  param_groups: Array<{ params: ReadonlyArray<number | bigint>; [option: string]: unknown }>;
}

export interface ZeroGradOptions {
  set_to_none?: boolean;
}

// ------------------------------------------------------------------ Python formatting helpers

/** Python's repr of a float (`1e-08`, `0.001`, `inf`): used in messages and printing. */
function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0.0';
  // toExponential() gives the shortest round-trip digits, as Python's repr does.
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const digits = mant.replace('-', '').replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
}

/** A JS number as Python prints it: integer values are Python ints (README conventions). */
export function pyNum(x: number): string {
  return Number.isInteger(x) && !Object.is(x, -0) && Math.abs(x) <= 2 ** 53 ? String(x) : pyFloat(x);
}

/** Python's str() of an option value (for __repr__): True, None, (0.9, 0.999), 1e-08. */
function pyStr(v: unknown, nested = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v);
  if (typeof v === 'string') return nested ? `'${v}'` : v;
  if (Array.isArray(v)) {
    const items = v.map((e) => pyStr(e, true));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  return String(v);
}

const LEGACY_TYPE: Record<string, string> = {
  float32: 'FloatTensor',
  float64: 'DoubleTensor',
  float16: 'HalfTensor',
  bfloat16: 'BFloat16Tensor',
  uint8: 'ByteTensor',
  int8: 'CharTensor',
  int16: 'ShortTensor',
  int32: 'IntTensor',
  int64: 'LongTensor',
  bool: 'BoolTensor',
};

/** torch.typename(): `torch.FloatTensor` for tensors, the JS type otherwise. */
function torchTypename(v: unknown): string {
  if (v instanceof Tensor) {
    const name = LEGACY_TYPE[v.dtype.name] ?? 'Tensor';
    return v.device.type === 'cuda' ? `torch.cuda.${name}` : `torch.${name}`;
  }
  return typeName(v);
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** A Python dict stand-in: a plain object (not a Tensor, array or other iterable). */
function isDictLike(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !(v instanceof Tensor) && !isIterable(v);
}

/** Deep copy of a state value (Python's deepcopy in load_state_dict): tensors are cloned. */
function deepCopy(v: unknown): unknown {
  if (v instanceof Tensor) return keep(v.clone());
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, deepCopy(x)]));
  if (isDictLike(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

/** load_state_dict's cast(): floating state follows the parameter's dtype and device; `step` stays. */
function castState(param: Tensor, value: unknown, key: string | null = null): unknown {
  if (value instanceof Tensor) {
    if (key === 'step') return value;
    let t = value;
    if (param.is_floating_point()) t = t.to(param.dtype);
    return keep(t.to(param.device));
  }
  if (Array.isArray(value)) return value.map((v) => castState(param, v));
  if (isDictLike(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, castState(param, v, k)]));
  return value;
}

/** Grad mode for the closure (Python's `with torch.enable_grad()`), restored even when it throws. */
function withGradEnabled<L>(fn: () => L): L {
  const prev: boolean = N.is_grad_enabled();
  N.set_grad_enabled(true);
  try {
    return fn();
  } finally {
    N.set_grad_enabled(prev);
  }
}

// ------------------------------------------------------------------ option checks for constructors

/** Checks an options object's keys and value types; unknown keys are Python's unexpected kwargs. */
export type OptionKind = 'float' | 'bool' | 'bool?' | 'betas';

const KIND_NAME: Record<OptionKind, string> = {
  float: 'float',
  bool: 'bool',
  'bool?': 'bool or None',
  betas: 'tuple of two floats',
};

function hasKind(v: unknown, kind: OptionKind): boolean {
  if (kind === 'float') return typeof v === 'number';
  if (kind === 'bool') return typeof v === 'boolean';
  if (kind === 'bool?') return typeof v === 'boolean' || v === null;
  return Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === 'number');
}

export function checkOptions(cls: string, opts: unknown, spec: Record<string, OptionKind>): void {
  if (opts === undefined || opts === null) return;
  if (!isDictLike(opts)) throw argError(cls, 'options', 'an options object', opts);
  for (const [key, v] of Object.entries(opts)) {
    const kind = spec[key];
    if (kind === undefined) throw new TypeError(`${cls}.__init__() got an unexpected keyword argument '${key}'`);
    if (v !== undefined && !hasKind(v, kind)) throw argError(cls, key, KIND_NAME[kind], v);
  }
}

/** `(params, lr)` or `(params, { lr, ... })` or `(params, lr, { ... })`, as Python's positional lr. */
export function mergeLr<O extends { lr?: number }>(cls: string, lr: number | O | undefined, opts: O | undefined): O {
  if (lr === undefined || lr === null) return { ...(opts ?? ({} as O)) };
  if (typeof lr === 'number') return { ...(opts ?? ({} as O)), lr };
  if (opts !== undefined) throw argError(cls, 'lr', 'float', lr);
  return { ...lr };
}

/** An option torchts does not implement (differentiable, capturable, fused): NotImplementedError. */
export function notSupported(what: string): TorchError {
  return new TorchError(`torchts: ${what} is not supported`, 'NotImplementedError');
}

/** ValueError as Python raises it from an optimizer constructor. */
export function valueError(message: string): TorchError {
  return new TorchError(message, 'ValueError');
}

// ------------------------------------------------------------------ the base class

export abstract class Optimizer<D extends OptimizerDefaults = OptimizerDefaults, S extends object = object> {
  defaults: DefaultsOf<D>;
  /** Per-parameter state, keyed by the parameter (Python keys `state` by the tensor too). */
  state: Map<Tensor, S> = new Map();
  param_groups: Group<D>[] = [];

  protected constructor(params: ParamsInput<D>, defaults: DefaultsOf<D>) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError(
        'params argument given to the optimizer should be an iterable of Tensors or dicts, but got ' +
          torchTypename(params),
      );
    }
    if (!isIterable(params)) throw argError(this.constructor.name, 'params', 'an iterable of Tensors or dicts', params);
    let groups: unknown[] = [...(params as Iterable<unknown>)];
    if (groups.length === 0) throw valueError('optimizer got an empty parameter list');
    if (!isDictLike(groups[0])) groups = [{ params: groups }];
    for (const g of groups) this.add_param_group(g as ParamGroupInput<D>);
  }

  /** Updates the parameters of one group: one native call (see native/ops_optim.cc). */
  protected abstract _update(group: Group<D>): void;

  /** Python's `__setstate__` hook after load_state_dict: fills in options missing from old dicts. */
  protected _setstate(): void {}

  /**
   * Performs one optimization step. The closure (re-evaluating the model and returning the loss)
   * runs with grad enabled; its result is returned, as in Python. Without one, returns null.
   */
  step<L = unknown>(closure?: (() => L) | null): L | null {
    let loss: L | null = null;
    if (closure !== undefined && closure !== null) {
      if (typeof closure !== 'function') throw argError('step', 'closure', 'callable', closure);
      loss = withGradEnabled(closure);
      const then = (loss as { then?: unknown } | null)?.then;
      if (typeof then === 'function') {
        throw new TypeError('step(): the closure must be synchronous (it returned a Promise)');
      }
    }
    for (const group of this.param_groups) this._update(group);
    return loss;
  }

  /**
   * Sets the gradients of all optimized tensors to zero (PyTorch 1.13 default), or to null with
   * `{ set_to_none: true }`. One native call per group.
   */
  zero_grad(opts: ZeroGradOptions | boolean = {}): void {
    const setToNone = typeof opts === 'boolean' ? opts : (opts?.set_to_none ?? false);
    if (typeof setToNone !== 'boolean') throw argError('zero_grad', 'set_to_none', 'bool', setToNone);
    for (const group of this.param_groups)
      N.optim_zero_grad(
        group.params.map((p) => p._h),
        setToNone,
      );
  }

  /** Adds a param group (e.g. layers unfrozen while fine-tuning); missing options take the defaults. */
  add_param_group(param_group: ParamGroupInput<D>): void {
    if (!isDictLike(param_group)) throw argError('add_param_group', 'param_group', 'dict', param_group);
    const given = param_group.params;
    let params: unknown[];
    if (given instanceof Tensor) params = [given];
    else if (given instanceof Set) {
      throw new TypeError(
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will ' +
          'change between runs. Please use a list instead.',
      );
    } else if (isIterable(given)) params = [...given];
    else throw argError('add_param_group', 'params', 'an iterable of Tensors', given);

    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${torchTypename(p)}`);
      }
    }
    const tensors = params as Tensor[];
    const differentiable = (this.defaults as Record<string, unknown>).differentiable;
    if (!differentiable && N.optim_first_non_leaf(tensors.map((p) => p._h)) >= 0) {
      throw valueError("can't optimize a non-leaf Tensor");
    }

    // Python's dict: the given keys in their order (undefined = not given), then missing defaults.
    const group: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(param_group)) if (v !== undefined) group[k] = k === 'params' ? tensors : v;
    for (const [name, def] of Object.entries(this.defaults)) {
      if (def === required && !(name in group)) {
        throw valueError(`parameter group didn't specify a value of required optimization parameter ${name}`);
      }
      if (!(name in group)) group[name] = Array.isArray(def) ? [...def] : def;
    }

    if (new Set(tensors).size !== tensors.length) {
      process.emitWarning(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; ' +
          'see github.com/pytorch/pytorch/issues/40967 for more information',
        'UserWarning',
      );
    }
    const existing = new Set<Tensor>();
    for (const g of this.param_groups) for (const p of g.params) existing.add(p);
    if (tensors.some((p) => existing.has(p))) {
      throw valueError('some parameters appear in more than one parameter group');
    }

    this.param_groups.push(group as Group<D>);
  }

  /**
   * The optimizer state in PyTorch's layout: `state` maps parameter indices (in param_groups
   * order) to the same state objects this optimizer holds; `param_groups` are copies of the
   * groups with `params` replaced by those indices (and last, as in Python).
   */
  state_dict(): OptimizerStateDict<S> {
    const index = new Map<Tensor, number>();
    let start = 0;
    const param_groups = this.param_groups.map((group) => {
      // Options first, `params` last: the key order of Python's pack_group.
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) if (k !== 'params') packed[k] = Array.isArray(v) ? [...v] : v;
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = group.params.map((p) => index.get(p) as number);
      start += group.params.length;
      return packed as { params: number[]; [option: string]: unknown };
    });
    const state = new Map<number, S>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) {
        throw new TorchError('state_dict(): a state entry belongs to a tensor in no param group', 'KeyError');
      }
      state.set(i, s);
    }
    return { state, param_groups };
  }

  /** Loads a state_dict (deep-copied; floating state tensors cast to each parameter's dtype and device). */
  load_state_dict(state_dict: OptimizerStateDictInput): void {
    if (!isDictLike(state_dict)) throw argError('load_state_dict', 'state_dict', 'dict', state_dict);
    const saved = state_dict.param_groups;
    if (!Array.isArray(saved)) throw argError('load_state_dict', "state_dict['param_groups']", 'list', saved);
    const groups = this.param_groups;
    if (groups.length !== saved.length) {
      throw valueError('loaded state dict has a different number of parameter groups');
    }
    for (let i = 0; i < groups.length; i++) {
      const ids = saved[i]?.params;
      if (!Array.isArray(ids)) throw argError('load_state_dict', `param_groups[${i}]['params']`, 'list', ids);
      if (groups[i].params.length !== ids.length) {
        throw valueError(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
      }
    }
    const idMap = new Map<number, Tensor>();
    groups.forEach((g, gi) => g.params.forEach((p, i) => idMap.set(Number(saved[gi].params[i]), p)));

    const raw: unknown = state_dict.state;
    let entries: [unknown, unknown][];
    if (raw instanceof Map) entries = [...raw];
    else if (isDictLike(raw)) entries = Object.entries(raw);
    else throw argError('load_state_dict', "state_dict['state']", 'dict', raw);
    const state = new Map<Tensor, S>();
    for (const [k, v] of entries) {
      // Entries for no parameter (kept under their key by Python) have no place in a Map keyed by tensors.
      const param = idMap.get(typeof k === 'string' ? Number(k) : Number(k as number));
      if (param !== undefined) state.set(param, castState(param, deepCopy(v)) as S);
    }

    this.param_groups = saved.map((ng, gi) => {
      const copy = deepCopy({ ...ng, params: [] }) as Record<string, unknown>;
      copy.params = groups[gi].params;
      return copy as Group<D>;
    });
    this.state = state;
    const defaults = this.defaults as Record<string, unknown>;
    if (!('differentiable' in defaults)) defaults.differentiable = false;
    this._setstate();
  }

  /** Python's `setdefault` on every group (used by `_setstate` overrides). */
  protected _groupDefaults(values: Record<string, unknown>): void {
    for (const g of this.param_groups) {
      for (const [k, v] of Object.entries(values)) if (!(k in g)) (g as Record<string, unknown>)[k] = v;
    }
  }

  /** The parameters of a group that have a gradient (Python's `if p.grad is not None`), one native call. */
  protected _withGrad(group: Group<D>): { params: Tensor[]; handles: Handle[] } {
    const all = group.params;
    const handles = all.map((p) => p._h);
    const idx: number[] = N.optim_grad_indices(handles);
    if (idx.length === all.length) return { params: all, handles };
    return { params: idx.map((i) => all[i]), handles: idx.map((i) => handles[i]) };
  }

  /** Python's `__repr__`: the class name and each group's options, sorted by key. */
  toString(): string {
    let s = `${this.constructor.name} (`;
    this.param_groups.forEach((group, i) => {
      s += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(group).sort()) if (key !== 'params') s += `    ${key}: ${pyStr(group[key])}\n`;
    });
    return `${s})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
