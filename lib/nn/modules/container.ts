/**
 * torch/nn/modules/container.py: Sequential, ModuleList, ModuleDict, ParameterList.
 *
 * JS has no `__getitem__`: children are registered under '0', '1', ... as fields, so `seq[0]`
 * reads one (non-negative indices only); `seq.at(-1)` takes negative indices as Python does and
 * `seq.slice(1, 3)` is `seq[1:3]`. `length` and `__len__()` are Python's `len(seq)`, and the
 * containers iterate like Python's (`for (const m of seq)`; a ModuleDict yields its keys).
 */
import { TorchError, typeName } from '../../errors';
import { Tensor } from '../../tensor';
import { Parameter } from '../parameter';
import { Module } from './module';
import { childEntries, pyRepr } from './utils';

function indexError(message: string): TorchError {
  return new TorchError(message, 'IndexError');
}

/** Python's KeyError: its message is the repr of its argument. */
function keyError(arg: string): TorchError {
  return new TorchError(pyRepr(arg), 'KeyError');
}

function checkIndex(idx: unknown): number {
  if (typeof idx !== 'number' || !Number.isInteger(idx)) {
    throw new TypeError(`'${typeName(idx)}' object cannot be interpreted as an integer`);
  }
  return idx;
}

/** Python's `slice(start, stop, step).indices(length)` as the list of selected positions. */
function sliceIndices(length: number, start?: number | null, stop?: number | null, step?: number | null): number[] {
  const st = step ?? 1;
  if (st === 0) throw new TorchError('slice step cannot be zero', 'ValueError');
  const clamp = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    const x = v < 0 ? v + length : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: number[] = [];
  if (st > 0) {
    const a = clamp(start, 0, 0, length);
    const b = clamp(stop, length, 0, length);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = clamp(start, length - 1, -1, length - 1);
    const b = clamp(stop, -1, -1, length - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

/** `len(container)` as `container.length`: a Module is a function object, whose own `length` is its arity. */
function defineLength(m: { __len__(): number }): void {
  Object.defineProperty(m, 'length', { get: () => m.__len__(), enumerable: false, configurable: true });
}

/**
 * add_module with Python's guard: a name that is already an attribute (a method such as `train`
 * or `keys`, or a plain field) and not a child would shadow it, so it is a KeyError.
 */
function addChild(m: Module, name: string, module: Module): void {
  const own = Object.prototype.hasOwnProperty.call(m, name);
  const current = (m as unknown as Record<string, unknown>)[name];
  if (name in m && !(own && (current instanceof Module || current === null))) {
    throw keyError(`attribute '${name}' already exists`);
  }
  m.add_module(name, module);
}

/** Removes every child and registers `modules` under '0', '1', ... (Python renumbers after a deletion). */
function renumber(m: Module, modules: Module[]): void {
  for (const [key] of childEntries(m)) delete (m as unknown as Record<string, unknown>)[key];
  modules.forEach((child, i) => m.add_module(String(i), child));
}

/**
 * Runs its modules in order, each on the previous one's output. Built from modules
 * (`new nn.Sequential(conv, relu)`, keys '0', '1', ...) or from an ordered name -> module Map or
 * object (`new nn.Sequential({ conv1: ..., relu1: ... })`; a JS object lists integer-like keys
 * first, so use a Map for such names in another order).
 */
export class Sequential extends Module<(input: Tensor) => Tensor> {
  /** Children by position (registered under '0', '1', ... when built from a list). */
  [index: number]: Module;
  /** `len(seq)`. */
  declare readonly length: number;

  constructor(...args: Module[]);
  constructor(arg: Map<string, Module> | Record<string, Module>);
  constructor(...args: (Module | Map<string, Module> | Record<string, Module>)[]) {
    super();
    defineLength(this);
    const first = args[0];
    if (args.length === 1 && !(first instanceof Module) && first !== null && typeof first === 'object') {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first);
      for (const [key, module] of entries) addChild(this, key, module);
    } else {
      args.forEach((module, idx) => this.add_module(String(idx), module as Module));
    }
  }

  /** Python's `_get_item_by_idx`: the position of `idx` (negative from the end), range-checked. */
  private _get_item_by_idx<T>(items: T[], idx: number): T {
    const size = items.length;
    idx = checkIndex(idx);
    if (!(-size <= idx && idx < size)) throw indexError(`index ${idx} is out of range`);
    return items[((idx % size) + size) % size];
  }

  /** `seq[idx]`, negative indices included. */
  at(idx: number): Module {
    return this._get_item_by_idx(childEntries(this), idx)[1];
  }

  /** `seq[start:stop:step]`: a new Sequential of the same class sharing the modules, with their keys. */
  slice(start?: number | null, stop?: number | null, step?: number | null): this {
    const entries = childEntries(this);
    const picked = sliceIndices(entries.length, start, stop, step).map((i) => entries[i]);
    const Cls = this.constructor as new (arg: Map<string, Module>) => this;
    return new Cls(new Map(picked));
  }

  /** `seq[idx] = module`. */
  set(idx: number, module: Module): void {
    const [key] = this._get_item_by_idx(childEntries(this), idx);
    (this as unknown as Record<string, unknown>)[key] = module;
  }

  /** `del seq[idx]`; the remaining modules are renumbered '0', '1', ... as in Python. */
  delete(idx: number): void {
    const entries = childEntries(this);
    const [key] = this._get_item_by_idx(entries, idx);
    renumber(
      this,
      entries.filter(([k]) => k !== key).map(([, m]) => m),
    );
  }

  /** `seq.pop(idx)`: removes and returns the module at idx. */
  pop(idx: number): Module {
    const v = this.at(idx);
    this.delete(idx);
    return v;
  }

  __len__(): number {
    return childEntries(this).length;
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (const [, m] of childEntries(this)) yield m;
  }

  /** Appends a module under the next index. */
  append(module: Module): this {
    this.add_module(String(this.__len__()), module);
    return this;
  }

  /** Inserts a module before position `index`, shifting the later ones up by one key. */
  insert(index: number, module: Module): this {
    if (!(module instanceof Module)) {
      throw new TorchError("module should be of type: <class 'torch.nn.modules.module.Module'>", 'AssertionError');
    }
    const n = this.__len__();
    if (!(-n <= index && index <= n)) throw indexError(`Index out of range: ${index}`);
    if (index < 0) index += n;
    const self = this as unknown as Record<string, Module>;
    for (let i = n; i > index; i--) self[String(i)] = self[String(i - 1)];
    self[String(index)] = module;
    return this;
  }

  /** Appends every module of another Sequential (or any iterable of modules). */
  extend(sequential: Iterable<Module>): this {
    for (const layer of sequential) this.append(layer);
    return this;
  }

  override forward(input: Tensor): Tensor {
    // Typed Tensor -> Tensor, the common case; any value flows through at run time.
    for (const module of this) input = (module as Module)(input) as Tensor;
    return input;
  }
}

/** Holds modules in a list so that they are registered (parameters, state_dict, printing). */
export class ModuleList extends Module {
  [index: number]: Module;
  /** `len(modules)`. */
  declare readonly length: number;

  constructor(modules: Iterable<Module> | null = null) {
    super();
    defineLength(this);
    if (modules !== null && modules !== undefined) this.extend(modules);
  }

  private _get_abs_string_index(idx: number): string {
    idx = checkIndex(idx);
    const n = this.__len__();
    if (!(-n <= idx && idx < n)) throw indexError(`index ${idx} is out of range`);
    return String(idx < 0 ? idx + n : idx);
  }

  /** `modules[idx]`, negative indices included. */
  at(idx: number): Module {
    return (this as unknown as Record<string, Module>)[this._get_abs_string_index(idx)];
  }

  /** `modules[start:stop:step]` as a new list of the same class. */
  slice(start?: number | null, stop?: number | null, step?: number | null): this {
    const mods = childEntries(this).map(([, m]) => m);
    const Cls = this.constructor as new (modules: Module[]) => this;
    return new Cls(sliceIndices(mods.length, start, stop, step).map((i) => mods[i]));
  }

  /** `modules[idx] = module`. */
  set(idx: number, module: Module): void {
    (this as unknown as Record<string, unknown>)[this._get_abs_string_index(idx)] = module;
  }

  /** `del modules[idx]`; the rest are renumbered. */
  delete(idx: number): void {
    const key = this._get_abs_string_index(idx);
    renumber(
      this,
      childEntries(this)
        .filter(([k]) => k !== key)
        .map(([, m]) => m),
    );
  }

  pop(idx: number): Module {
    const v = this.at(idx);
    this.delete(idx);
    return v;
  }

  __len__(): number {
    return childEntries(this).length;
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (const [, m] of childEntries(this)) yield m;
  }

  /** Inserts a module before position `index` (as Python, without a range check). */
  insert(index: number, module: Module): void {
    const self = this as unknown as Record<string, Module>;
    for (let i = this.__len__(); i > index; i--) self[String(i)] = self[String(i - 1)];
    self[String(index)] = module;
  }

  append(module: Module): this {
    this.add_module(String(this.__len__()), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof (modules as Partial<Iterable<Module>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList.extend should be called with an iterable, but got ${typeName(modules)}`);
    }
    const offset = this.__len__();
    let i = 0;
    for (const module of modules) this.add_module(String(offset + i++), module);
    return this;
  }
}

/** What a ModuleDict is built or updated from: name -> module pairs, in order. */
export type ModuleMapping = Map<string, Module> | Record<string, Module> | Iterable<readonly [string, Module]>;

/** Holds modules by name, in insertion order (`md.get('conv')`, also `md.conv`). */
export class ModuleDict extends Module {
  /** `len(md)`. */
  declare readonly length: number;

  constructor(modules: ModuleMapping | null = null) {
    super();
    defineLength(this);
    if (modules !== null && modules !== undefined) this.update(modules);
  }

  /** `md[key]`; a missing key is a KeyError. */
  get(key: string): Module {
    const found = childEntries(this).find(([k]) => k === key);
    if (!found) throw keyError(key);
    return found[1];
  }

  /** `md[key] = module`. */
  set(key: string, module: Module): void {
    addChild(this, key, module);
  }

  /** `del md[key]`. */
  delete(key: string): void {
    this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
  }

  __len__(): number {
    return childEntries(this).length;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    yield* this.keys();
  }

  /** `key in md`. */
  has(key: string): boolean {
    return childEntries(this).some(([k]) => k === key);
  }

  __contains__(key: string): boolean {
    return this.has(key);
  }

  clear(): void {
    for (const key of this.keys()) delete (this as unknown as Record<string, unknown>)[key];
  }

  pop(key: string): Module {
    const v = this.get(key);
    this.delete(key);
    return v;
  }

  keys(): string[] {
    return childEntries(this).map(([k]) => k);
  }

  items(): [string, Module][] {
    return childEntries(this);
  }

  values(): Module[] {
    return childEntries(this).map(([, m]) => m);
  }

  /** Adds or replaces entries from a Map, an object, a ModuleDict or an iterable of [key, module] pairs. */
  update(modules: ModuleMapping | ModuleDict): void {
    if (modules === null || typeof modules !== 'object') {
      throw new TypeError(
        `ModuleDict.update should be called with an iterable of key/value pairs, but got ${typeName(modules)}`,
      );
    }
    if (modules instanceof ModuleDict) {
      for (const [key, module] of modules.items()) this.set(key, module);
      return;
    }
    if (modules instanceof Map) {
      for (const [key, module] of modules) this.set(key, module);
      return;
    }
    if (typeof (modules as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
      let j = 0;
      for (const m of modules as Iterable<readonly [string, Module]>) {
        if (!Array.isArray(m)) {
          throw new TypeError(`ModuleDict update sequence element #${j} should be Iterable; is${typeName(m)}`);
        }
        if (m.length !== 2) {
          const message = `ModuleDict update sequence element #${j} has length ${m.length}; 2 is required`;
          throw new TorchError(message, 'ValueError');
        }
        this.set(m[0], m[1]);
        j++;
      }
      return;
    }
    for (const [key, module] of Object.entries(modules as Record<string, Module>)) this.set(key, module);
  }
}

/** Holds parameters in a list so that they are registered ('0', '1', ... in the state_dict). */
export class ParameterList extends Module {
  [index: number]: Parameter;
  /** `len(params)`. */
  declare readonly length: number;
  declare _size: number;

  constructor(values: Iterable<Tensor> | null = null) {
    super();
    defineLength(this);
    this._size = 0;
    if (values !== null && values !== undefined) this.extend(values);
  }

  private _get_abs_string_index(idx: number): string {
    idx = checkIndex(idx);
    if (!(-this._size <= idx && idx < this._size)) throw indexError(`index ${idx} is out of range`);
    return String(idx < 0 ? idx + this._size : idx);
  }

  /** `params[idx]`, negative indices included. */
  at(idx: number): Parameter {
    return (this as unknown as Record<string, Parameter>)[this._get_abs_string_index(idx)];
  }

  /** `params[start:stop:step]` as a new ParameterList sharing the parameters. */
  slice(start?: number | null, stop?: number | null, step?: number | null): ParameterList {
    const out = new (this.constructor as new () => ParameterList)();
    for (const i of sliceIndices(this._size, start, stop, step)) out.append(this.at(i));
    return out;
  }

  /** `params[idx] = value`: a plain Tensor becomes a Parameter. */
  set(idx: number, param: Tensor): void {
    const key = this._get_abs_string_index(idx);
    const value = param instanceof Tensor && !(param instanceof Parameter) ? new Parameter(param) : param;
    (this as unknown as Record<string, unknown>)[key] = value;
  }

  __len__(): number {
    return this._size;
  }

  *[Symbol.iterator](): IterableIterator<Parameter> {
    for (let i = 0; i < this._size; i++) yield this.at(i);
  }

  append(value: Tensor): this {
    const new_idx = this._size;
    this._size += 1;
    this.set(new_idx, value);
    return this;
  }

  extend(values: Iterable<Tensor>): this {
    const iterable = values !== null && typeof (values as Partial<Iterable<Tensor>>)[Symbol.iterator] === 'function';
    if (!iterable || values instanceof Tensor) {
      throw new TypeError(`ParameterList.extend should be called with an iterable, but got ${typeName(values)}`);
    }
    for (const value of values) this.append(value);
    return this;
  }

  override extra_repr(): string {
    const child_lines: string[] = [];
    let k = 0;
    for (const p of this) {
      if (p instanceof Tensor) {
        const size_str = p.size().join('x');
        const device_str = p.is_cuda ? ` (GPU ${p.device.index ?? 0})` : '';
        const kind = p instanceof Parameter ? 'Parameter' : 'Tensor';
        const parastr = `${kind} containing: [${p.dtype} of size ${size_str}${device_str}]`;
        child_lines.push(`  (${k}): ${parastr}`);
      } else {
        child_lines.push(`  (${k}): Object of type: ${typeName(p)}`);
      }
      k++;
    }
    return child_lines.join('\n');
  }

  /** Python raises on `params(...)`. */
  override _call_impl(): never {
    throw new TorchError('ParameterList should not be called.');
  }
}
