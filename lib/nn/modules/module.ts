/**
 * nn.Module. Two things make PyTorch model code port unchanged:
 *
 * 1. Instances are callable: `model(x)` runs the forward pre-hooks, `forward` and the forward
 *    hooks (Python's `__call__`). The constructor returns a function object whose prototype is the
 *    subclass's, so `this.conv1(x)` works and `instanceof` holds.
 * 2. Fields register themselves: the instance is wrapped in a Proxy whose `defineProperty` / `set`
 *    traps see class fields (`conv1 = new nn.Conv2d(...)`) and assignments (`this.fc = ...`,
 *    `model.fc = new nn.Linear(...)`) and record Parameters and Modules in declaration order, as
 *    Python's `__setattr__` does. Reads are plain property reads (no `get` trap).
 *
 * TypeScript: `Module<F>` is callable with `forward`'s type F. Built-in layers declare it
 * (`class Linear extends Module<(input: Tensor) => Tensor>`), so `this.fc1(x)` is typed; a user
 * model can declare it too (`class Net extends nn.Module<(x: Tensor) => Tensor>`), otherwise its
 * call is untyped.
 */
import { inspect } from 'util';
import { dtype, float16, float32, float64, bfloat16 } from '../../dtype';
import { DeviceLike, toDevice } from '../../device';
import { argError, TorchError, typeName } from '../../errors';
import { N } from '../../native';
import { keep } from '../../scope';
import { Tensor } from '../../tensor';
import { is_grad_enabled, no_grad } from '../../autograd';
import { Parameter } from '../parameter';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyForward = (...args: any[]) => any;

/** Parameter and buffer names to tensors; PyTorch's per-module `_metadata` rides along as a
 *  non-enumerable `_metadata` property (see metadataOf). */
export type StateDict = Record<string, Tensor>;
type Metadata = Record<string, Record<string, unknown>>;

/** The `_metadata` of a state dict (module prefix -> { version }), or an empty object. */
export function metadataOf(sd: object): Metadata {
  return ((sd as { _metadata?: Metadata })._metadata ?? {}) as Metadata;
}

export interface IncompatibleKeys {
  missing_keys: string[];
  unexpected_keys: string[];
}

export type ForwardPreHook = (module: Module, args: unknown[]) => unknown[] | unknown | void;
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown | void;
/** hook(module, grad_input, grad_output): may return replacement grad_input. */
export type BackwardHook = (
  module: Module,
  grad_input: (Tensor | null)[],
  grad_output: (Tensor | null)[],
) => (Tensor | null)[] | void | undefined | null;

/** Handle returned by register_*_hook: `handle.remove()`. */
export class RemovableHandle {
  private static nextId = 0;
  readonly id = RemovableHandle.nextId++;
  constructor(private readonly hooks: Map<number, unknown>) {}
  remove(): void {
    this.hooks.delete(this.id);
  }
}

/** Internal state, kept off the instance's enumerable fields. */
interface ModuleState {
  parameters: Map<string, Parameter | null>;
  buffers: Map<string, Tensor | null>;
  nonPersistent: Set<string>;
  modules: Map<string, Module | null>;
  forwardPreHooks: Map<number, ForwardPreHook>;
  forwardHooks: Map<number, ForwardHook>;
  backwardHooks: Map<number, BackwardHook>;
}

const STATE = Symbol('torchts.module.state');

function stateOf(m: Module): ModuleState {
  return (m as unknown as { [STATE]: ModuleState })[STATE];
}

function torchTypename(v: unknown): string {
  if (v instanceof Tensor) return `torch.${v.dtype === float32 ? 'Float' : v.dtype.name}Tensor`;
  return typeName(v);
}

/** Python's Module.__setattr__: registers Parameters, Modules and buffer updates. */
function assign(target: Module, key: string | symbol, value: unknown): void {
  if (typeof key === 'symbol') return;
  const s = stateOf(target);
  if (!s) return; // before Module's constructor ran
  const removeFrom = (...maps: (Map<string, unknown> | Set<string>)[]) => {
    for (const m of maps) m.delete(key);
  };
  if (value instanceof Parameter) {
    removeFrom(s.buffers, s.modules, s.nonPersistent);
    s.parameters.set(key, value);
    keep(value);
  } else if (s.parameters.has(key)) {
    if (value != null) {
      throw new TypeError(
        `cannot assign '${torchTypename(value)}' as parameter '${key}' (torch.nn.Parameter or None expected)`,
      );
    }
    s.parameters.set(key, null);
  } else if (value instanceof Module) {
    removeFrom(s.parameters, s.buffers, s.nonPersistent);
    s.modules.set(key, value);
  } else if (s.modules.has(key)) {
    if (value != null) {
      throw new TypeError(
        `cannot assign '${torchTypename(value)}' as child module '${key}' (torch.nn.Module or None expected)`,
      );
    }
    s.modules.set(key, null);
  } else if (s.buffers.has(key)) {
    if (value != null && !(value instanceof Tensor)) {
      throw new TypeError(`cannot assign '${torchTypename(value)}' as buffer '${key}' (torch.Tensor or None expected)`);
    }
    if (value instanceof Tensor) keep(value);
    s.buffers.set(key, (value as Tensor | null | undefined) ?? null);
  }
}

const handler: ProxyHandler<Module> = {
  defineProperty(target, key, desc) {
    if ('value' in desc) assign(target, key, desc.value);
    return Reflect.defineProperty(target, key, desc);
  },
  set(target, key, value) {
    assign(target, key, value);
    // Store as a plain data property (also over a function's own `name`/`length`).
    return Reflect.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  },
  deleteProperty(target, key) {
    if (typeof key === 'string') {
      const s = stateOf(target);
      s.parameters.delete(key);
      s.buffers.delete(key);
      s.nonPersistent.delete(key);
      s.modules.delete(key);
    }
    return Reflect.deleteProperty(target, key);
  },
};

/** Python's `str(KeyError(msg))`: the repr of the message, quotes included. */
export function keyErrorMessage(msg: string): string {
  if (msg.includes("'") && !msg.includes('"')) return `"${msg}"`;
  return `'${msg.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function addindent(s: string, numSpaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const first = lines.shift() as string;
  return `${first}\n${lines.map((l) => ' '.repeat(numSpaces) + l).join('\n')}`;
}

function sizeStr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

// The callable-instance trick needs the class and an interface of the same name.

export interface Module<F extends AnyForward = AnyForward> {
  (...args: Parameters<F>): ReturnType<F>;
}

export class Module<F extends AnyForward = AnyForward> {
  /** Whether the module is in training mode (train() / eval()). */
  declare training: boolean;
  /** PyTorch's per-class state_dict version (BatchNorm overrides it). */
  static _version = 1;

  constructor() {
    const call = function (this: unknown, ...args: unknown[]): unknown {
      return (proxy as Module)._call_impl(...args);
    };
    Object.setPrototypeOf(call, new.target.prototype);
    const state: ModuleState = {
      parameters: new Map(),
      buffers: new Map(),
      nonPersistent: new Set(),
      modules: new Map(),
      forwardPreHooks: new Map(),
      forwardHooks: new Map(),
      backwardHooks: new Map(),
    };
    Object.defineProperty(call, STATE, { value: state });
    Object.defineProperty(call, 'training', { value: true, writable: true, enumerable: false, configurable: true });
    const proxy = new Proxy(call as unknown as Module, handler);
    return proxy as this;
  }

  /** The computation; subclasses override it. */
  forward(..._args: Parameters<F>): ReturnType<F> {
    throw new TorchError(
      `Module [${this._get_name()}] is missing the required "forward" function`,
      'NotImplementedError',
    );
  }

  /** @internal Python's `__call__`: pre-hooks, forward, hooks. */
  _call_impl(...args: unknown[]): unknown {
    const s = stateOf(this);
    let input = args;
    for (const hook of s.forwardPreHooks.values()) {
      const r = hook(this, input);
      if (r !== undefined && r !== null) input = Array.isArray(r) ? r : [r];
    }
    const backward = s.backwardHooks.size > 0 && is_grad_enabled();
    if (backward) input = input.map((a) => (a instanceof Tensor && a.requires_grad ? a.view_as(a) : a));
    let out = (this.forward as (...a: unknown[]) => unknown)(...input);
    for (const hook of s.forwardHooks.values()) {
      const r = hook(this, input, out);
      if (r !== undefined && r !== null) out = r;
    }
    if (backward) this.attachBackwardHooks(input, out);
    return out;
  }

  /**
   * Full backward hooks (PyTorch's BackwardHook): the inputs went through an identity view, so
   * their gradients are this module's own; once the output gradients and then all input
   * gradients are known, the hooks run with (grad_input, grad_output). A hook's replacement
   * grad_input applies to the input whose gradient arrives last (all of it for a one-input module).
   */
  private attachBackwardHooks(input: unknown[], out: unknown): void {
    const hooks = [...stateOf(this).backwardHooks.values()];
    const outs = (out instanceof Tensor ? [out] : Array.isArray(out) ? out : []).filter(
      (t): t is Tensor => t instanceof Tensor && t.requires_grad,
    );
    const gradOutputs: (Tensor | null)[] = outs.map(() => null);
    const ins = input.map((a) => (a instanceof Tensor && a.requires_grad ? a : null));
    const gradInputs: (Tensor | null)[] = input.map(() => null);
    let pendingOut = outs.length;
    let pendingIn = ins.filter((t) => t !== null).length;
    const run = (): (Tensor | null)[] | null => {
      let replacement: (Tensor | null)[] | null = null;
      for (const h of hooks) {
        const r = h(this, replacement ?? gradInputs, gradOutputs);
        if (r) replacement = r;
      }
      return replacement;
    };
    outs.forEach((t, i) =>
      t.register_hook((g) => {
        gradOutputs[i] = g;
        if (--pendingOut === 0 && pendingIn === 0) run();
      }),
    );
    ins.forEach((t, i) => {
      if (!t) return;
      t.register_hook((g) => {
        gradInputs[i] = g;
        if (--pendingIn > 0) return undefined;
        const r = run();
        return r ? (r[i] ?? undefined) : undefined;
      });
    });
  }

  register_full_backward_hook(hook: BackwardHook): RemovableHandle {
    if (typeof hook !== 'function') throw argError('register_full_backward_hook', 'hook', 'a function', hook);
    const s = stateOf(this);
    const h = new RemovableHandle(s.backwardHooks as Map<number, unknown>);
    s.backwardHooks.set(h.id, hook);
    return h;
  }

  /** Python's `_modules`, `_parameters`, `_buffers` (read-only views of the registries). */
  get _modules(): ReadonlyMap<string, Module | null> {
    return stateOf(this).modules;
  }
  get _parameters(): ReadonlyMap<string, Parameter | null> {
    return stateOf(this).parameters;
  }
  get _buffers(): ReadonlyMap<string, Tensor | null> {
    return stateOf(this).buffers;
  }

  register_forward_pre_hook(hook: ForwardPreHook): RemovableHandle {
    const s = stateOf(this);
    const h = new RemovableHandle(s.forwardPreHooks as Map<number, unknown>);
    s.forwardPreHooks.set(h.id, hook);
    return h;
  }

  register_forward_hook(hook: ForwardHook): RemovableHandle {
    const s = stateOf(this);
    const h = new RemovableHandle(s.forwardHooks as Map<number, unknown>);
    s.forwardHooks.set(h.id, hook);
    return h;
  }

  // ---------------------------------------------------------------- registration

  register_buffer(name: string, tensor: Tensor | null, persistent = true): void {
    if (typeof name !== 'string') throw argError('register_buffer', 'name', 'str', name);
    if (name.includes('.')) throw new TorchError(keyErrorMessage('buffer name can\'t contain "."'), 'KeyError');
    if (name === '') throw new TorchError(keyErrorMessage('buffer name can\'t be empty string ""'), 'KeyError');
    const s = stateOf(this);
    if (name in this && !s.buffers.has(name))
      throw new TorchError(keyErrorMessage(`attribute '${name}' already exists`), 'KeyError');
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(
        `cannot assign '${torchTypename(tensor)}' object to buffer '${name}' (torch Tensor or None required)`,
      );
    }
    if (tensor) keep(tensor);
    s.buffers.set(name, tensor);
    if (persistent) s.nonPersistent.delete(name);
    else s.nonPersistent.add(name);
    Reflect.defineProperty(this, name, { value: tensor, writable: true, enumerable: true, configurable: true });
  }

  register_parameter(name: string, param: Parameter | null): void {
    if (typeof name !== 'string') throw argError('register_parameter', 'name', 'str', name);
    if (name.includes('.')) throw new TorchError(keyErrorMessage('parameter name can\'t contain "."'), 'KeyError');
    if (name === '') throw new TorchError(keyErrorMessage('parameter name can\'t be empty string ""'), 'KeyError');
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `cannot assign '${torchTypename(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`,
      );
    }
    (this as unknown as Record<string, unknown>)[name] = param;
    if (param === null) stateOf(this).parameters.set(name, null);
  }

  add_module(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module))
      throw new TypeError(`${typeName(module)} is not a Module subclass`);
    if (typeof name !== 'string') throw argError('add_module', 'name', 'str', name);
    if (name in this && !stateOf(this).modules.has(name)) {
      throw new TorchError(keyErrorMessage(`attribute '${name}' already exists`), 'KeyError');
    }
    if (name.includes('.'))
      throw new TorchError(keyErrorMessage(`module name can't contain ".", got: ${name}`), 'KeyError');
    if (name === '') throw new TorchError(keyErrorMessage('module name can\'t be empty string ""'), 'KeyError');
    (this as unknown as Record<string, unknown>)[name] = module;
    if (module === null) stateOf(this).modules.set(name, null);
  }

  register_module(name: string, module: Module | null): void {
    this.add_module(name, module);
  }

  /** `model.get_submodule('layer1.0.conv1')`. */
  get_submodule(target: string): Module {
    if (target === '') return this;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts at this module
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = stateOf(mod).modules.get(item);
      if (!next) throw new TorchError(`${mod._get_name()} has no attribute \`${item}\``, 'AttributeError');
      mod = next;
    }
    return mod;
  }

  get_parameter(target: string): Parameter {
    const i = target.lastIndexOf('.');
    const mod = this.get_submodule(i < 0 ? '' : target.slice(0, i));
    const p = stateOf(mod).parameters.get(target.slice(i + 1));
    if (!p) throw new TorchError(`\`${target.slice(i + 1)}\` is not an nn.Parameter`, 'AttributeError');
    return p;
  }

  // ---------------------------------------------------------------- traversal

  *named_modules(memo: Set<Module> = new Set(), prefix = '', remove_duplicate = true): Generator<[string, Module]> {
    if (remove_duplicate && memo.has(this)) return;
    if (remove_duplicate) memo.add(this);
    yield [prefix, this];
    for (const [name, m] of stateOf(this).modules) {
      if (!m) continue;
      yield* m.named_modules(memo, prefix ? `${prefix}.${name}` : name, remove_duplicate);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.named_modules()) yield m;
  }

  *named_children(): Generator<[string, Module]> {
    const memo = new Set<Module>();
    for (const [name, m] of stateOf(this).modules) {
      if (m && !memo.has(m)) {
        memo.add(m);
        yield [name, m];
      }
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.named_children()) yield m;
  }

  private *namedMembers<T>(
    get: (s: ModuleState) => Map<string, T | null>,
    prefix: string,
    recurse: boolean,
    remove_duplicate = true,
  ): Generator<[string, T]> {
    const memo = new Set<T>();
    const mods: [string, Module][] = recurse
      ? [...this.named_modules(new Set(), prefix, remove_duplicate)]
      : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [k, v] of get(stateOf(m))) {
        if (v === null || v === undefined || (remove_duplicate && memo.has(v))) continue;
        if (remove_duplicate) memo.add(v);
        yield [modPrefix ? `${modPrefix}.${k}` : k, v];
      }
    }
  }

  *named_parameters(prefix = '', recurse = true, remove_duplicate = true): Generator<[string, Parameter]> {
    yield* this.namedMembers((s) => s.parameters, prefix, recurse, remove_duplicate);
  }

  /** Parameters in registration order (an array, ready for optimizers). */
  parameters(recurse = true): Parameter[] {
    return [...this.named_parameters('', recurse)].map(([, p]) => p);
  }

  *named_buffers(prefix = '', recurse = true, remove_duplicate = true): Generator<[string, Tensor]> {
    yield* this.namedMembers((s) => s.buffers, prefix, recurse, remove_duplicate);
  }

  buffers(recurse = true): Tensor[] {
    return [...this.named_buffers('', recurse)].map(([, b]) => b);
  }

  // ---------------------------------------------------------------- state dict

  /** Parameters and persistent buffers by PyTorch's key names, with `_metadata` (non-enumerable). */
  state_dict(opts: { destination?: StateDict; prefix?: string; keep_vars?: boolean } = {}): StateDict {
    const destination = opts.destination ?? ({} as StateDict);
    if (!Object.prototype.hasOwnProperty.call(destination, '_metadata')) {
      Object.defineProperty(destination, '_metadata', { value: {}, enumerable: false, writable: true });
    }
    this.saveTo(destination, opts.prefix ?? '', opts.keep_vars ?? false);
    return destination;
  }

  private saveTo(dest: StateDict, prefix: string, keepVars: boolean): void {
    const s = stateOf(this);
    metadataOf(dest)[prefix.slice(0, -1)] = {
      version: (this.constructor as typeof Module)._version,
    };
    for (const [name, p] of s.parameters) if (p) dest[prefix + name] = keepVars ? p : p.detach();
    for (const [name, b] of s.buffers) {
      if (b && !s.nonPersistent.has(name)) dest[prefix + name] = keepVars ? b : b.detach();
    }
    for (const [name, m] of s.modules) if (m) m.saveTo(dest, `${prefix}${name}.`, keepVars);
  }

  /**
   * Copies parameters and buffers from a state dict (PyTorch's key names). With strict (the
   * default) missing or unexpected keys are an error listing them, in PyTorch's wording.
   */
  load_state_dict(
    state_dict: Record<string, unknown> | Map<string, unknown>,
    opts: { strict?: boolean } | boolean = {},
  ): IncompatibleKeys {
    const strict = typeof opts === 'boolean' ? opts : (opts.strict ?? true);
    const sd: Record<string, unknown> = state_dict instanceof Map ? Object.fromEntries(state_dict) : { ...state_dict };
    if (state_dict === null || typeof state_dict !== 'object') {
      throw new TypeError(`Expected state_dict to be dict-like, got ${typeName(state_dict)}.`);
    }
    const metadata = metadataOf(state_dict);
    const missing: string[] = [];
    const unexpected: string[] = [];
    const errors: string[] = [];
    const load = (m: Module, prefix: string) => {
      m._load_from_state_dict(sd, prefix, metadata[prefix.slice(0, -1)] ?? {}, true, missing, unexpected, errors);
      for (const [name, child] of stateOf(m).modules) if (child) load(child, `${prefix}${name}.`);
    };
    load(this, '');
    if (strict) {
      if (unexpected.length)
        errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);
      if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length) {
      throw new TorchError(`Error(s) in loading state_dict for ${this._get_name()}:\n\t${errors.join('\n\t')}`);
    }
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  /** @internal Loads this module's own entries (PyTorch's `_load_from_state_dict`). */
  _load_from_state_dict(
    sd: Record<string, unknown>,
    prefix: string,
    _localMetadata: Record<string, unknown>,
    strict: boolean,
    missing: string[],
    unexpected: string[],
    errors: string[],
  ): void {
    const s = stateOf(this);
    const local = new Map<string, Tensor>();
    for (const [k, v] of s.parameters) if (v) local.set(k, v);
    for (const [k, v] of s.buffers) if (v && !s.nonPersistent.has(k)) local.set(k, v);
    for (const [name, param] of local) {
      const key = prefix + name;
      if (key in sd) {
        let input = sd[key];
        if (!(input instanceof Tensor)) {
          errors.push(
            `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeName(input)}`,
          );
          continue;
        }
        if (param.dim() === 0 && input.dim() === 1) input = input.index(0);
        const inp = input as Tensor;
        if (JSON.stringify(inp.shape) !== JSON.stringify(param.shape)) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape ${sizeStr(inp.shape)} from checkpoint, the shape in current model is ${sizeStr(param.shape)}.`,
          );
          continue;
        }
        try {
          no_grad(() => param.copy_(inp));
        } catch (e) {
          errors.push(
            `While copying the parameter named "${key}", whose dimensions in the model are ${sizeStr(param.shape)} and whose dimensions in the checkpoint are ${sizeStr(inp.shape)}, an exception occurred : ('${(e as Error).message}',).`,
          );
        }
      } else if (strict) {
        missing.push(key);
      }
    }
    if (strict) {
      for (const key of Object.keys(sd)) {
        if (!key.startsWith(prefix)) continue;
        const inputName = key.slice(prefix.length).split('.', 1)[0];
        if (!s.modules.has(inputName) && !local.has(inputName)) unexpected.push(key);
      }
    }
  }

  // ---------------------------------------------------------------- modes, devices, dtypes

  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TorchError('training mode is expected to be boolean', 'ValueError');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /** Clears gradients (PyTorch 1.13's default set_to_none=false zeroes them in place). */
  zero_grad(set_to_none = false): void {
    no_grad(() => {
      for (const p of this.parameters()) {
        const g = p.grad;
        if (g === null) continue;
        if (set_to_none) p.grad = null;
        else {
          if (g.grad_fn !== null) g.detach_();
          else g.requires_grad_(false);
          g.zero_();
        }
      }
    });
  }

  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Python's `_apply`: converts every parameter (keeping the Parameter object), its grad, and buffers. */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const m of this.children()) m._apply(fn);
    const s = stateOf(this);
    no_grad(() => {
      for (const p of s.parameters.values()) {
        if (!p) continue;
        N.set_data(p._h, fn(p)._h);
        const g = p.grad;
        if (g) N.set_data(g._h, fn(g)._h);
      }
      for (const [k, b] of s.buffers) {
        if (!b) continue;
        const nb = keep(fn(b));
        s.buffers.set(k, nb);
        Reflect.defineProperty(this, k, { value: nb, writable: true, enumerable: true, configurable: true });
      }
    });
    return this;
  }

  /** `model.to(device)`, `model.to(dtype)`, `model.to(device, dtype)`: floating tensors change dtype. */
  to(a: DeviceLike | dtype, b?: dtype): this {
    const dev = a instanceof dtype ? null : toDevice(a);
    const dt = a instanceof dtype ? a : (b ?? null);
    if (dt && !dt.is_floating_point) {
      throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${dt}`);
    }
    return this._apply((t) => {
      const target = t.is_floating_point() && dt ? dt : t.dtype;
      return t.to(dev ?? t.device, target);
    });
  }

  cuda(device: DeviceLike | number = 'cuda'): this {
    return this.to(toDevice(device, 'cuda'));
  }
  cpu(): this {
    return this.to('cpu');
  }
  float(): this {
    return this._apply((t) => (t.is_floating_point() ? t.float() : t));
  }
  double(): this {
    return this._apply((t) => (t.is_floating_point() ? t.to(float64) : t));
  }
  half(): this {
    return this._apply((t) => (t.is_floating_point() ? t.to(float16) : t));
  }
  bfloat16(): this {
    return this._apply((t) => (t.is_floating_point() ? t.to(bfloat16) : t));
  }

  // ---------------------------------------------------------------- printing

  /** Subclasses return their one-line settings, e.g. `in_features=4, out_features=2, bias=True`. */
  extra_repr(): string {
    return '';
  }

  _get_name(): string {
    return this.constructor.name;
  }

  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [key, m] of stateOf(this).modules) {
      childLines.push(`(${key}): ${addindent(m ? m.toString() : 'None', 2)}`);
    }
    const lines = [...extraLines, ...childLines];
    let main = `${this._get_name()}(`;
    if (lines.length) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
