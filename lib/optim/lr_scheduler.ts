/**
 * torch.optim.lr_scheduler, ported from PyTorch 1.13 (`torch/optim/lr_scheduler.py`).
 *
 *   const scheduler = new optim.lr_scheduler.StepLR(optimizer, { step_size: 30, gamma: 0.1 });
 *   for (let epoch = 0; epoch < 100; epoch++) { train(); optimizer.step(); scheduler.step(); }
 *
 * The formulas are PyTorch's own, in the same order of floating-point operations: the chainable
 * (recursive) forms in get_lr() — which read the current lr of each param group, so several
 * schedulers can be combined — and the closed forms only where PyTorch uses them (the deprecated
 * `step(epoch)`). A closed form in place of the recursion would drift from Python by rounding.
 *
 * Numbers follow torchts's convention: an integer-valued number acts as a Python int (so
 * `T_0: 2.5` is rejected as PyTorch rejects it, and messages print `10`, not `10.0`).
 *
 * The optimizer is typed structurally (SchedulableOptimizer): anything with `param_groups` of
 * objects with a numeric `lr` works, torchts's Optimizer included.
 */
import { TorchError, argError, typeName } from '../errors';

/** A param group as the schedulers see it: `lr` plus optimizer-specific keys (`momentum`, `betas`, ...). */
export interface SchedulerParamGroup {
  lr: number;
}

/**
 * What a scheduler needs from an optimizer. The element type is deliberately loose (`{ lr: number }`
 * and no index signature) so that an Optimizer whose ParamGroup is an interface still fits; the
 * schedulers read and write the other keys (`initial_lr`, `momentum`, `betas`, `max_lr`, ...) as
 * PyTorch does. `defaults` is where PyTorch looks for `momentum`/`betas` support (OneCycleLR,
 * CyclicLR); without it the first param group is consulted.
 */
export interface SchedulableOptimizer {
  param_groups: SchedulerParamGroup[];
  defaults?: object;
}

/** A scheduler's state: every attribute but the optimizer, as in PyTorch (`__dict__` minus `optimizer`). */
export type SchedulerStateDict = Record<string, unknown>;

/** Keyword options every LRScheduler takes. */
export interface LRSchedulerOptions {
  last_epoch?: number;
  verbose?: boolean;
}

type Group = Record<string, unknown> & { lr: number };
type Args = Record<string, unknown>;

const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being ' +
  'deprecated where possible. Please use `scheduler.step()` to step the ' +
  'scheduler. During the deprecation, if epoch is different from None, the ' +
  'closed form is used instead of the new chainable form, where available. ' +
  'Please open an issue if you are unable to replicate your use case: ' +
  'https://github.com/pytorch/pytorch/issues/new/choose.';

const GET_LR_WARNING = 'To get the last learning rate computed by the scheduler, please use `get_last_lr()`.';

// ---------------------------------------------------------------------------------------------
// Python semantics helpers
// ---------------------------------------------------------------------------------------------

/** Python's default warning filter shows a warning once per location; once per message is close. */
const warned = new Set<string>();
function warn(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, 'UserWarning');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `str(x)` of a Python number under the int/float convention (messages must print as Python's). */
function pyNum(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x)) return BigInt(x).toString();
  // Same shortest round-trip digits as Python's repr; only the switch to exponent form differs.
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/** `'{}'.format(v)` for the values PyTorch's messages interpolate. */
function pyStr(v: unknown): string {
  if (typeof v === 'number') return pyNum(v);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyStr(x))).join(', ')}]`;
  return String(v);
}

/** `'{:.4e}'.format(x)`: Python writes at least two exponent digits. */
function formatE4(x: number): string {
  if (!Number.isFinite(x)) return pyNum(x);
  const [mantissa, expText] = x.toExponential(4).split('e');
  const exp = Number(expText);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** `"%.2f" if isinstance(epoch, float) else "%.5d"` from PyTorch's verbose messages. */
function formatEpoch(epoch: number): string {
  if (!Number.isInteger(epoch)) return epoch.toFixed(2);
  return (epoch < 0 ? '-' : '') + String(Math.abs(epoch)).padStart(5, '0');
}

function zeroDivision(message: string): TorchError {
  return new TorchError(message, 'ZeroDivisionError');
}

/** Python `a / b`; `float` says an operand is a Python float whatever its value (`1.0 / x`). */
function trueDiv(a: number, b: number, float = false): number {
  if (b === 0) {
    const ints = !float && Number.isInteger(a) && Number.isInteger(b);
    throw zeroDivision(ints ? 'division by zero' : 'float division by zero');
  }
  return a / b;
}

/** Python `a % b`: the result takes the divisor's sign (CPython's float_rem; exact for ints too). */
function pyMod(a: number, b: number): number {
  if (b === 0) {
    throw zeroDivision(Number.isInteger(a) && Number.isInteger(b) ? 'integer modulo by zero' : 'float modulo');
  }
  let mod = a % b; // JS % is C fmod: exact
  if (mod !== 0) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = b < 0 ? -0 : 0;
  }
  return mod;
}

/** Python `a // b` (CPython's float_floor_div, exact for ints below 2**53). */
function pyFloorDiv(a: number, b: number): number {
  if (b === 0) {
    const ints = Number.isInteger(a) && Number.isInteger(b);
    throw zeroDivision(ints ? 'integer division or modulo by zero' : 'float floor division by zero');
  }
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return a / b < 0 ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

/** `bisect.bisect_right`. */
function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A copy of JSON-like state (arrays and plain objects), so a saved state dict does not alias the scheduler. */
function cloneState<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneState) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneState(x)])) as T;
  return v;
}

function entriesOf(o: object): [string, unknown][] {
  return Object.entries(o) as [string, unknown][];
}

function checkStateDict(fn: string, sd: unknown): SchedulerStateDict {
  if (!isPlainObject(sd)) throw argError(fn, 'state_dict', 'dict', sd);
  return sd;
}

// ---------------------------------------------------------------------------------------------
// Argument handling: required positional parameters may come positionally or in the trailing
// options object; Python keyword parameters only in the options object.
// ---------------------------------------------------------------------------------------------

function quotedList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length === 1) return q[0];
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/**
 * Binds `args` (what follows the optimizer) to `required` (Python's required parameters, in order)
 * and the keyword `defaults`. Missing, repeated and unexpected arguments are Python's TypeErrors,
 * word for word; a keyword parameter given positionally is a TypeError saying where it goes.
 */
function parseArgs(
  qualname: string,
  args: readonly unknown[],
  required: readonly string[],
  defaults: Args,
  after = ' after the optimizer',
): Args {
  let positional = args;
  let kw: Record<string, unknown> = {};
  if (args.length > 0 && isPlainObject(args[args.length - 1])) {
    kw = args[args.length - 1] as Record<string, unknown>;
    positional = args.slice(0, -1);
  }
  const keywordNames = Object.keys(defaults);
  if (positional.length > required.length) {
    throw new TypeError(
      `${qualname}() takes ${required.length} positional argument${required.length === 1 ? '' : 's'}${after}` +
        (required.length ? ` (${required.join(', ')})` : '') +
        ` but ${positional.length} were given` +
        (keywordNames.length ? `; keyword arguments (${keywordNames.join(', ')}) go in a trailing options object` : ''),
    );
  }
  const out: Args = { ...defaults };
  positional.forEach((v, i) => {
    if (v !== undefined) out[required[i]] = v;
  });
  for (const [k, v] of Object.entries(kw)) {
    if (v === undefined) continue;
    const ri = required.indexOf(k);
    if (ri < 0 && !Object.hasOwn(defaults, k)) {
      throw new TypeError(`${qualname}() got an unexpected keyword argument '${k}'`);
    }
    if (ri >= 0 && positional[ri] !== undefined) {
      throw new TypeError(`${qualname}() got multiple values for argument '${k}'`);
    }
    out[k] = v;
  }
  const missing = required.filter((k) => out[k] === undefined);
  if (missing.length) {
    const s = missing.length === 1 ? '' : 's';
    const names = quotedList(missing);
    throw new TypeError(`${qualname}() missing ${missing.length} required positional argument${s}: ${names}`);
  }
  return out;
}

const BASE_DEFAULTS: Args = { last_epoch: -1, verbose: false };

function num(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw argError(fn, name, 'Number', v);
  return v;
}

function numOrNone(fn: string, name: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number') throw argError(fn, name, 'Number or None', v);
  return v;
}

function bool(fn: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw argError(fn, name, 'bool', v);
  return v;
}

function str(fn: string, name: string, v: unknown): string {
  if (typeof v !== 'string') throw argError(fn, name, 'str', v);
  return v;
}

function numList(fn: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw argError(fn, name, 'list of Numbers', v);
  return v as number[];
}

function numOrList(fn: string, name: string, v: unknown): number | number[] {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  throw argError(fn, name, 'Number or list of Numbers', v);
}

function baseOptions(fn: string, a: Args): { last_epoch: number; verbose: boolean } {
  return { last_epoch: num(fn, 'last_epoch', a.last_epoch), verbose: bool(fn, 'verbose', a.verbose) };
}

/** The `epoch` of `step(epoch)` / `step({ epoch })`: a number, or null/undefined for None. */
function epochArg(fn: string, v: unknown): number | null {
  const e = isPlainObject(v) ? parseArgs(fn, [v], [], { epoch: null }, '').epoch : v;
  return numOrNone(fn, 'epoch', e);
}

// ---------------------------------------------------------------------------------------------
// Optimizer access
// ---------------------------------------------------------------------------------------------

/** PyTorch's `isinstance(optimizer, Optimizer)` check, structurally. */
function checkOptimizer(optimizer: unknown): SchedulableOptimizer {
  const o = optimizer as { param_groups?: unknown } | null;
  const ok =
    o !== null &&
    typeof o === 'object' &&
    Array.isArray(o.param_groups) &&
    o.param_groups.every((g) => g !== null && typeof g === 'object');
  if (!ok) {
    throw new TypeError(`${typeName(optimizer)} is not an Optimizer`);
  }
  return optimizer as SchedulableOptimizer;
}

function groupsOf(optimizer: SchedulableOptimizer): Group[] {
  return optimizer.param_groups as Group[];
}

/** `group[key]` as a number: a missing key is Python's KeyError. */
function groupNumber(group: Group, key: string): number {
  if (!(key in group)) throw new TorchError(key, 'KeyError');
  const v = group[key];
  if (typeof v !== 'number') throw new TypeError(`param group '${key}' must be a Number, not ${typeName(v)}`);
  return v;
}

function currentLrs(optimizer: SchedulableOptimizer): number[] {
  return groupsOf(optimizer).map((g) => g.lr);
}

/** `key in optimizer.defaults` (the first param group stands in for an optimizer without defaults). */
function supports(optimizer: SchedulableOptimizer, key: string): boolean {
  const defaults = optimizer.defaults ?? optimizer.param_groups[0] ?? {};
  return key in defaults;
}

/** OneCycleLR/CyclicLR `_format_param`: one value per param group. */
function formatParam(name: string, optimizer: SchedulableOptimizer, param: number | number[]): number[] {
  const n = optimizer.param_groups.length;
  if (Array.isArray(param)) {
    if (param.length !== n) throw new TorchError(`expected ${n} values for ${name}, got ${param.length}`, 'ValueError');
    return param;
  }
  return new Array<number>(n).fill(param);
}

// ---------------------------------------------------------------------------------------------
// LRScheduler (PyTorch 1.13's _LRScheduler)
// ---------------------------------------------------------------------------------------------

/**
 * Python's SequentialLR and ChainedScheduler subclass _LRScheduler without ever calling its
 * __init__. A JS subclass must call super(), so the base constructor skips its body for them.
 */
const NO_BASE_INIT = new WeakSet<object>();

function skipsBaseInit(cls: unknown): boolean {
  for (let c = cls; typeof c === 'function'; c = Object.getPrototypeOf(c) as unknown) {
    if (NO_BASE_INIT.has(c)) return true;
  }
  return false;
}

/**
 * Base class of the epoch-driven schedulers. Its constructor records `initial_lr` in each param
 * group (or checks it is there when resuming with `last_epoch != -1`) and performs the first step.
 *
 * Subclassing: Python subclasses set their attributes *before* `super().__init__()`, because that
 * first step already calls their get_lr(). JS cannot touch `this` before super(), so pass them as
 * `attrs` (assigned before the first step) and declare them with `declare` — a plain class field
 * would be reset to undefined once super() returns:
 *
 *   class MyLR extends LRScheduler {
 *     declare k: number;
 *     constructor(opt: SchedulableOptimizer, k: number) { super(opt, {}, { k }); }
 *     override get_lr() { return this.base_lrs.map((b) => b * this.k ** this.last_epoch); }
 *   }
 *
 * Every instance property is state (PyTorch's `__dict__`), so state_dict() returns all but the
 * optimizer, in the same order as Python.
 */
export class LRScheduler {
  declare optimizer: SchedulableOptimizer;
  declare base_lrs: number[];
  declare last_epoch: number;
  declare verbose: boolean;
  declare _step_count: number;
  declare _get_lr_called_within_step: boolean;
  declare _last_lr: number[];

  /** Closed form for the deprecated `step(epoch)`, where the scheduler has one (Python's `hasattr` check). */
  _get_closed_form_lr?(): number[];

  constructor(optimizer: SchedulableOptimizer, options: LRSchedulerOptions = {}, attrs: object = {}) {
    Object.assign(this, attrs);
    if (skipsBaseInit(new.target)) return;
    const fn = new.target.name;
    const { last_epoch, verbose } = baseOptions(fn, parseArgs(`${fn}.__init__`, [options], [], BASE_DEFAULTS));
    this.optimizer = checkOptimizer(optimizer);
    const groups = groupsOf(optimizer);
    if (last_epoch === -1) {
      for (const group of groups) if (!('initial_lr' in group)) group.initial_lr = groupNumber(group, 'lr');
    } else {
      groups.forEach((group, i) => {
        if (!('initial_lr' in group)) {
          const message = `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`;
          throw new TorchError(message, 'KeyError');
        }
      });
    }
    this.base_lrs = groups.map((g) => groupNumber(g, 'initial_lr'));
    this.last_epoch = last_epoch;
    // PyTorch also wraps optimizer.step to count its calls, only to warn when the scheduler steps
    // first; the optimizer here is structural, so that warning is not reproduced.
    this.verbose = verbose;
    this._initial_step();
  }

  /** Initializes the step count and performs the first step. */
  _initial_step(): void {
    this._step_count = 0;
    this.step();
  }

  /** Every attribute but the optimizer (copied, so later steps do not change a saved dict). */
  state_dict(): SchedulerStateDict {
    const sd: SchedulerStateDict = {};
    for (const [k, v] of entriesOf(this)) if (k !== 'optimizer') sd[k] = cloneState(v);
    return sd;
  }

  /** Python's `self.__dict__.update(state_dict)`. */
  load_state_dict(state_dict: SchedulerStateDict): void {
    Object.assign(this, cloneState(checkStateDict('load_state_dict', state_dict)));
  }

  /** The learning rates of the last step, one per param group. */
  get_last_lr(): number[] {
    return this._last_lr;
  }

  /** The chainable form: the next lr of each group. Subclasses implement it. */
  get_lr(): number[] {
    throw new TorchError('', 'NotImplementedError');
  }

  print_lr(is_verbose: boolean, group: number, lr: number, epoch: number | null = null): void {
    if (!is_verbose) return;
    if (epoch === null) console.log(`Adjusting learning rate of group ${group} to ${formatE4(lr)}.`);
    else console.log(`Epoch ${formatEpoch(epoch)}: adjusting learning rate of group ${group} to ${formatE4(lr)}.`);
  }

  /** `step()`; the deprecated `step(epoch)` / `step({ epoch })` jumps to an epoch (closed form where defined). */
  step(epoch?: number | null | { epoch?: number | null }): void {
    const e = epochArg(`${this.constructor.name}.step`, epoch);
    this._step_count += 1;
    let values: number[];
    this._get_lr_called_within_step = true;
    try {
      if (e === null) {
        this.last_epoch += 1;
        values = this.get_lr();
      } else {
        warn(EPOCH_DEPRECATION_WARNING);
        this.last_epoch = e;
        values = this._get_closed_form_lr ? this._get_closed_form_lr() : this.get_lr();
      }
    } finally {
      this._get_lr_called_within_step = false;
    }
    const groups = groupsOf(this.optimizer);
    const n = Math.min(groups.length, values.length); // Python's zip
    for (let i = 0; i < n; i++) {
      groups[i].lr = values[i];
      this.print_lr(this.verbose, i, values[i], e);
    }
    this._last_lr = currentLrs(this.optimizer);
  }
}

/** PyTorch 1.13's name for LRScheduler. */
export { LRScheduler as _LRScheduler };

function warnOutsideStep(s: LRScheduler): void {
  if (!s._get_lr_called_within_step) warn(GET_LR_WARNING);
}

// ---------------------------------------------------------------------------------------------
// LambdaLR, MultiplicativeLR
// ---------------------------------------------------------------------------------------------

/** A multiplicative factor as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

function lambdaList(fn: string, optimizer: SchedulableOptimizer, lr_lambda: unknown): LrLambda[] {
  const n = optimizer.param_groups.length;
  if (!Array.isArray(lr_lambda)) {
    if (typeof lr_lambda !== 'function') throw argError(fn, 'lr_lambda', 'a function or list of functions', lr_lambda);
    return new Array<LrLambda>(n).fill(lr_lambda as LrLambda);
  }
  if (lr_lambda.length !== n) {
    throw new TorchError(`Expected ${n} lr_lambdas, but got ${lr_lambda.length}`, 'ValueError');
  }
  lr_lambda.forEach((f, i) => {
    if (typeof f !== 'function') throw argError(fn, `lr_lambda[${i}]`, 'a function', f);
  });
  return [...(lr_lambda as LrLambda[])];
}

function callLambda(f: LrLambda, epoch: number): number {
  const v: unknown = f(epoch);
  if (typeof v !== 'number') throw new TypeError(`lr_lambda must return a Number, not ${typeName(v)}`);
  return v;
}

/**
 * The state dict of a scheduler holding lr_lambdas: plain functions are not saved (PyTorch saves
 * only the `__dict__` of callable objects; every JS callable is a function), so each is null.
 */
function lambdaStateDict(s: LRScheduler & { lr_lambdas: LrLambda[] }): SchedulerStateDict {
  const sd: SchedulerStateDict = {};
  for (const [k, v] of entriesOf(s)) if (k !== 'optimizer' && k !== 'lr_lambdas') sd[k] = cloneState(v);
  sd.lr_lambdas = s.lr_lambdas.map(() => null);
  return sd;
}

function lambdaLoadStateDict(s: LRScheduler & { lr_lambdas: LrLambda[] }, state_dict: SchedulerStateDict): void {
  const { lr_lambdas, ...rest } = checkStateDict('load_state_dict', state_dict);
  Object.assign(s, cloneState(rest));
  if (Array.isArray(lr_lambdas)) {
    lr_lambdas.forEach((attrs: unknown, i) => {
      // Python: self.lr_lambdas[idx].__dict__.update(fn) for the entries that were saved.
      if (attrs !== null && attrs !== undefined) Object.assign(s.lr_lambdas[i], attrs);
    });
  }
}

/** Sets each group's lr to its initial lr times `lr_lambda(epoch)`. */
export class LambdaLR extends LRScheduler {
  declare lr_lambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, lr_lambda: LrLambda | LrLambda[], options?: LRSchedulerOptions);
  constructor(optimizer: SchedulableOptimizer, options: LRSchedulerOptions & { lr_lambda: LrLambda | LrLambda[] });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('LambdaLR.__init__', args, ['lr_lambda'], BASE_DEFAULTS);
    const lr_lambdas = lambdaList('LambdaLR', checkOptimizer(optimizer), a.lr_lambda);
    super(optimizer, baseOptions('LambdaLR', a), { lr_lambdas });
  }

  override state_dict(): SchedulerStateDict {
    return lambdaStateDict(this);
  }

  override load_state_dict(state_dict: SchedulerStateDict): void {
    lambdaLoadStateDict(this, state_dict);
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    return this.lr_lambdas.map((lmbda, i) => this.base_lrs[i] * callLambda(lmbda, this.last_epoch));
  }
}

/** Multiplies each group's lr by `lr_lambda(epoch)` at every step. */
export class MultiplicativeLR extends LRScheduler {
  declare lr_lambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, lr_lambda: LrLambda | LrLambda[], options?: LRSchedulerOptions);
  constructor(optimizer: SchedulableOptimizer, options: LRSchedulerOptions & { lr_lambda: LrLambda | LrLambda[] });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('MultiplicativeLR.__init__', args, ['lr_lambda'], BASE_DEFAULTS);
    const lr_lambdas = lambdaList('MultiplicativeLR', checkOptimizer(optimizer), a.lr_lambda);
    super(optimizer, baseOptions('MultiplicativeLR', a), { lr_lambdas });
  }

  override state_dict(): SchedulerStateDict {
    return lambdaStateDict(this);
  }

  override load_state_dict(state_dict: SchedulerStateDict): void {
    lambdaLoadStateDict(this, state_dict);
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch > 0) {
      const n = Math.min(groups.length, this.lr_lambdas.length);
      return groups.slice(0, n).map((g, i) => g.lr * callLambda(this.lr_lambdas[i], this.last_epoch));
    }
    return groups.map((g) => g.lr);
  }
}

// ---------------------------------------------------------------------------------------------
// StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR
// ---------------------------------------------------------------------------------------------

export interface StepLROptions extends LRSchedulerOptions {
  gamma?: number;
}

/** Decays each group's lr by gamma every step_size epochs. */
export class StepLR extends LRScheduler {
  declare step_size: number;
  declare gamma: number;

  constructor(optimizer: SchedulableOptimizer, step_size: number, options?: StepLROptions);
  constructor(optimizer: SchedulableOptimizer, options: StepLROptions & { step_size: number });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('StepLR.__init__', args, ['step_size'], { gamma: 0.1, ...BASE_DEFAULTS });
    const attrs = { step_size: num('StepLR', 'step_size', a.step_size), gamma: num('StepLR', 'gamma', a.gamma) };
    super(optimizer, baseOptions('StepLR', a), attrs);
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0 || pyMod(this.last_epoch, this.step_size) !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base_lr) => base_lr * this.gamma ** pyFloorDiv(this.last_epoch, this.step_size));
  }
}

export interface MultiStepLROptions extends LRSchedulerOptions {
  gamma?: number;
}

/**
 * Decays each group's lr by gamma at each milestone. `milestones` is kept as PyTorch's Counter:
 * an object from milestone to how many times it was listed.
 */
export class MultiStepLR extends LRScheduler {
  declare milestones: Record<string, number>;
  declare gamma: number;

  constructor(optimizer: SchedulableOptimizer, milestones: number[], options?: MultiStepLROptions);
  constructor(optimizer: SchedulableOptimizer, options: MultiStepLROptions & { milestones: number[] });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('MultiStepLR.__init__', args, ['milestones'], { gamma: 0.1, ...BASE_DEFAULTS });
    const counter: Record<string, number> = {};
    for (const m of numList('MultiStepLR', 'milestones', a.milestones)) counter[m] = (counter[m] ?? 0) + 1;
    const gamma = num('MultiStepLR', 'gamma', a.gamma);
    super(optimizer, baseOptions('MultiStepLR', a), { milestones: counter, gamma });
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    const key = String(this.last_epoch);
    if (!Object.hasOwn(this.milestones, key)) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** this.milestones[key]);
  }

  override _get_closed_form_lr(): number[] {
    // sorted(Counter.elements())
    const milestones = entriesOf(this.milestones)
      .flatMap(([k, count]) => new Array<number>(count as number).fill(Number(k)))
      .sort((x, y) => x - y);
    return this.base_lrs.map((base_lr) => base_lr * this.gamma ** bisectRight(milestones, this.last_epoch));
  }
}

export interface ConstantLROptions extends LRSchedulerOptions {
  factor?: number;
  total_iters?: number;
}

/** Multiplies each group's lr by `factor` until epoch `total_iters`. */
export class ConstantLR extends LRScheduler {
  declare factor: number;
  declare total_iters: number;

  constructor(optimizer: SchedulableOptimizer, options?: ConstantLROptions);
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('ConstantLR.__init__', args, [], { factor: 1.0 / 3, total_iters: 5, ...BASE_DEFAULTS });
    const factor = num('ConstantLR', 'factor', a.factor);
    if (factor > 1.0 || factor < 0) {
      throw new TorchError('Constant multiplicative factor expected to be between 0 and 1.', 'ValueError');
    }
    const total_iters = num('ConstantLR', 'total_iters', a.total_iters);
    super(optimizer, baseOptions('ConstantLR', a), { factor, total_iters });
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.last_epoch > this.total_iters || this.last_epoch !== this.total_iters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * trueDiv(1.0, this.factor, true));
  }

  override _get_closed_form_lr(): number[] {
    const reached = this.last_epoch >= this.total_iters ? 1 : 0; // Python multiplies by the bool
    return this.base_lrs.map((base_lr) => base_lr * (this.factor + reached * (1 - this.factor)));
  }
}

export interface LinearLROptions extends LRSchedulerOptions {
  start_factor?: number;
  end_factor?: number;
  total_iters?: number;
}

/** Changes each group's lr by a factor going linearly from start_factor to end_factor over total_iters epochs. */
export class LinearLR extends LRScheduler {
  declare start_factor: number;
  declare end_factor: number;
  declare total_iters: number;

  constructor(optimizer: SchedulableOptimizer, options?: LinearLROptions);
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const defaults = { start_factor: 1.0 / 3, end_factor: 1.0, total_iters: 5, ...BASE_DEFAULTS };
    const a = parseArgs('LinearLR.__init__', args, [], defaults);
    const start_factor = num('LinearLR', 'start_factor', a.start_factor);
    const end_factor = num('LinearLR', 'end_factor', a.end_factor);
    if (start_factor > 1.0 || start_factor < 0) {
      throw new TorchError('Starting multiplicative factor expected to be between 0 and 1.', 'ValueError');
    }
    if (end_factor > 1.0 || end_factor < 0) {
      throw new TorchError('Ending multiplicative factor expected to be between 0 and 1.', 'ValueError');
    }
    const total_iters = num('LinearLR', 'total_iters', a.total_iters);
    super(optimizer, baseOptions('LinearLR', a), { start_factor, end_factor, total_iters });
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0) return groups.map((g) => g.lr * this.start_factor);
    if (this.last_epoch > this.total_iters) return groups.map((g) => g.lr);
    const { start_factor: s, end_factor: e } = this;
    return groups.map((g) => g.lr * (1 + trueDiv(e - s, this.total_iters * s + (this.last_epoch - 1) * (e - s), true)));
  }

  override _get_closed_form_lr(): number[] {
    const { start_factor: s, end_factor: e } = this;
    const t = Math.min(this.total_iters, this.last_epoch);
    return this.base_lrs.map((base_lr) => base_lr * (s + trueDiv((e - s) * t, this.total_iters, true)));
  }
}

export type ExponentialLROptions = LRSchedulerOptions;

/** Decays each group's lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  declare gamma: number;

  constructor(optimizer: SchedulableOptimizer, gamma: number, options?: ExponentialLROptions);
  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions & { gamma: number });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('ExponentialLR.__init__', args, ['gamma'], BASE_DEFAULTS);
    super(optimizer, baseOptions('ExponentialLR', a), { gamma: num('ExponentialLR', 'gamma', a.gamma) });
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base_lr) => base_lr * this.gamma ** this.last_epoch);
  }
}

export interface PolynomialLROptions extends LRSchedulerOptions {
  total_iters?: number;
  power?: number;
}

/** Decays each group's lr with a polynomial of the given power over total_iters epochs. */
export class PolynomialLR extends LRScheduler {
  declare total_iters: number;
  declare power: number;

  constructor(optimizer: SchedulableOptimizer, options?: PolynomialLROptions);
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('PolynomialLR.__init__', args, [], { total_iters: 5, power: 1.0, ...BASE_DEFAULTS });
    const attrs = {
      total_iters: num('PolynomialLR', 'total_iters', a.total_iters),
      power: num('PolynomialLR', 'power', a.power),
    };
    super(optimizer, baseOptions('PolynomialLR', a), attrs);
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0 || this.last_epoch > this.total_iters) return groups.map((g) => g.lr);
    const t = this.total_iters;
    const decay_factor = ((1.0 - trueDiv(this.last_epoch, t)) / (1.0 - trueDiv(this.last_epoch - 1, t))) ** this.power;
    return groups.map((g) => g.lr * decay_factor);
  }

  override _get_closed_form_lr(): number[] {
    const t = this.total_iters;
    return this.base_lrs.map((base_lr) => base_lr * (1.0 - trueDiv(Math.min(t, this.last_epoch), t)) ** this.power);
  }
}

// ---------------------------------------------------------------------------------------------
// CosineAnnealingLR, CosineAnnealingWarmRestarts
// ---------------------------------------------------------------------------------------------

export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  eta_min?: number;
}

/** Cosine annealing from the initial lr to eta_min over T_max epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  declare T_max: number;
  declare eta_min: number;

  constructor(optimizer: SchedulableOptimizer, T_max: number, options?: CosineAnnealingLROptions);
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions & { T_max: number });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const a = parseArgs('CosineAnnealingLR.__init__', args, ['T_max'], { eta_min: 0, ...BASE_DEFAULTS });
    const attrs = {
      T_max: num('CosineAnnealingLR', 'T_max', a.T_max),
      eta_min: num('CosineAnnealingLR', 'eta_min', a.eta_min),
    };
    super(optimizer, baseOptions('CosineAnnealingLR', a), attrs);
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const groups = groupsOf(this.optimizer);
    const { T_max, eta_min, last_epoch } = this;
    const n = Math.min(groups.length, this.base_lrs.length);
    if (last_epoch === 0) return groups.map((g) => g.lr);
    if (this._step_count === 1 && last_epoch > 0) {
      // Resuming (last_epoch given): the first step uses the closed form.
      return this.base_lrs
        .slice(0, n)
        .map(
          (base_lr) => eta_min + ((base_lr - eta_min) * (1 + Math.cos(trueDiv(last_epoch * Math.PI, T_max, true)))) / 2,
        );
    }
    if (pyMod(last_epoch - 1 - T_max, 2 * T_max) === 0) {
      // The recursion divides by 1 + cos(...) = 0 here: step up from the minimum instead.
      return groups
        .slice(0, n)
        .map((g, i) => g.lr + ((this.base_lrs[i] - eta_min) * (1 - Math.cos(trueDiv(Math.PI, T_max, true)))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos(trueDiv(Math.PI * last_epoch, T_max, true))) /
          (1 + Math.cos(trueDiv(Math.PI * (last_epoch - 1), T_max, true)))) *
          (g.lr - eta_min) +
        eta_min,
    );
  }

  override _get_closed_form_lr(): number[] {
    const { T_max, eta_min } = this;
    const cos = Math.cos(trueDiv(Math.PI * this.last_epoch, T_max, true));
    return this.base_lrs.map((base_lr) => eta_min + ((base_lr - eta_min) * (1 + cos)) / 2);
  }
}

export interface CosineAnnealingWarmRestartsOptions extends LRSchedulerOptions {
  T_mult?: number;
  eta_min?: number;
}

/** Cosine annealing with warm restarts (SGDR): periods T_0, T_0*T_mult, T_0*T_mult^2, ... */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  declare T_0: number;
  declare T_i: number;
  declare T_mult: number;
  declare eta_min: number;
  declare T_cur: number;

  constructor(optimizer: SchedulableOptimizer, T_0: number, options?: CosineAnnealingWarmRestartsOptions);
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingWarmRestartsOptions & { T_0: number });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const fn = 'CosineAnnealingWarmRestarts';
    const a = parseArgs(`${fn}.__init__`, args, ['T_0'], { T_mult: 1, eta_min: 0, ...BASE_DEFAULTS });
    const T_0 = num(fn, 'T_0', a.T_0);
    const T_mult = num(fn, 'T_mult', a.T_mult);
    if (T_0 <= 0 || !Number.isInteger(T_0)) {
      throw new TorchError(`Expected positive integer T_0, but got ${pyNum(T_0)}`, 'ValueError');
    }
    if (T_mult < 1 || !Number.isInteger(T_mult)) {
      throw new TorchError(`Expected integer T_mult >= 1, but got ${pyNum(T_mult)}`, 'ValueError');
    }
    const base = baseOptions(fn, a);
    super(optimizer, base, { T_0, T_i: T_0, T_mult, eta_min: num(fn, 'eta_min', a.eta_min), T_cur: base.last_epoch });
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const { eta_min } = this;
    const cos = Math.cos((Math.PI * this.T_cur) / this.T_i);
    return this.base_lrs.map((base_lr) => eta_min + ((base_lr - eta_min) * (1 + cos)) / 2);
  }

  /**
   * `step()` after each epoch or batch, or `step(epoch)` with a fractional epoch
   * (`scheduler.step(epoch + i / iters)`); both can be interleaved.
   */
  override step(epoch?: number | null | { epoch?: number | null }): void {
    let e = epochArg('CosineAnnealingWarmRestarts.step', epoch);
    if (e === null && this.last_epoch < 0) e = 0;
    if (e === null) {
      e = this.last_epoch + 1;
      this.T_cur = this.T_cur + 1;
      if (this.T_cur >= this.T_i) {
        this.T_cur = this.T_cur - this.T_i;
        this.T_i = this.T_i * this.T_mult;
      }
    } else {
      if (e < 0) throw new TorchError(`Expected non-negative epoch, but got ${pyNum(e)}`, 'ValueError');
      if (e >= this.T_0) {
        if (this.T_mult === 1) {
          this.T_cur = pyMod(e, this.T_0);
        } else {
          // int(math.log(x, base)) is log(x) / log(base), truncated.
          const n = Math.trunc(Math.log((e / this.T_0) * (this.T_mult - 1) + 1) / Math.log(this.T_mult));
          this.T_cur = e - (this.T_0 * (this.T_mult ** n - 1)) / (this.T_mult - 1);
          this.T_i = this.T_0 * this.T_mult ** n;
        }
      } else {
        this.T_i = this.T_0;
        this.T_cur = e;
      }
    }
    this.last_epoch = Math.floor(e);
    this._get_lr_called_within_step = true;
    try {
      const groups = groupsOf(this.optimizer);
      const values = this.get_lr();
      const n = Math.min(groups.length, values.length);
      for (let i = 0; i < n; i++) {
        groups[i].lr = values[i];
        this.print_lr(this.verbose, i, values[i], e);
      }
    } finally {
      this._get_lr_called_within_step = false;
    }
    this._last_lr = currentLrs(this.optimizer);
  }
}

// ---------------------------------------------------------------------------------------------
// OneCycleLR, CyclicLR
// ---------------------------------------------------------------------------------------------

/** One phase of OneCycleLR: where it ends and which group keys hold its start/end values. */
export interface OneCyclePhase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

export interface OneCycleLROptions extends LRSchedulerOptions {
  total_steps?: number | null;
  epochs?: number | null;
  steps_per_epoch?: number | null;
  pct_start?: number;
  anneal_strategy?: 'cos' | 'linear';
  cycle_momentum?: boolean;
  base_momentum?: number | number[];
  max_momentum?: number | number[];
  div_factor?: number;
  final_div_factor?: number;
  three_phase?: boolean;
}

type AnnealFunc = (start: number, end: number, pct: number) => number;

function phase(
  end_step: number,
  start_lr: string,
  end_lr: string,
  start_momentum: string,
  end_momentum: string,
): OneCyclePhase {
  return { end_step, start_lr, end_lr, start_momentum, end_momentum };
}

/**
 * The 1cycle policy: lr from max_lr/div_factor up to max_lr, then down to a minimum far below
 * (and momentum inversely, in `momentum` or `betas[0]` of each group). Steps once per batch; not
 * chainable.
 */
export class OneCycleLR extends LRScheduler {
  declare total_steps: number;
  declare _schedule_phases: OneCyclePhase[];
  /** The annealing method (`_annealing_cos` / `_annealing_linear`), kept as state as in PyTorch 1.13. */
  declare anneal_func: AnnealFunc;
  declare cycle_momentum: boolean;
  declare use_beta1: boolean;

  constructor(optimizer: SchedulableOptimizer, max_lr: number | number[], options?: OneCycleLROptions);
  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions & { max_lr: number | number[] });
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const fn = 'OneCycleLR';
    const a = parseArgs(`${fn}.__init__`, args, ['max_lr'], {
      total_steps: null,
      epochs: null,
      steps_per_epoch: null,
      pct_start: 0.3,
      anneal_strategy: 'cos',
      cycle_momentum: true,
      base_momentum: 0.85,
      max_momentum: 0.95,
      div_factor: 25,
      final_div_factor: 1e4,
      three_phase: false,
      ...BASE_DEFAULTS,
    });
    checkOptimizer(optimizer);
    const total = numOrNone(fn, 'total_steps', a.total_steps);
    const epochs = numOrNone(fn, 'epochs', a.epochs);
    const steps_per_epoch = numOrNone(fn, 'steps_per_epoch', a.steps_per_epoch);
    let total_steps: number;
    if (total === null && epochs === null && steps_per_epoch === null) {
      throw new TorchError('You must define either total_steps OR (epochs AND steps_per_epoch)', 'ValueError');
    } else if (total !== null) {
      if (total <= 0 || !Number.isInteger(total)) {
        throw new TorchError(`Expected positive integer total_steps, but got ${pyNum(total)}`, 'ValueError');
      }
      total_steps = total;
    } else {
      // Python compares None <= 0 here and fails with this TypeError.
      if (epochs === null || steps_per_epoch === null) {
        throw new TypeError("'<=' not supported between instances of 'NoneType' and 'int'");
      }
      if (epochs <= 0 || !Number.isInteger(epochs)) {
        throw new TorchError(`Expected positive integer epochs, but got ${pyNum(epochs)}`, 'ValueError');
      }
      if (steps_per_epoch <= 0 || !Number.isInteger(steps_per_epoch)) {
        const got = pyNum(steps_per_epoch);
        throw new TorchError(`Expected positive integer steps_per_epoch, but got ${got}`, 'ValueError');
      }
      total_steps = epochs * steps_per_epoch;
    }

    const pct_start = num(fn, 'pct_start', a.pct_start);
    const three_phase = bool(fn, 'three_phase', a.three_phase);
    const _schedule_phases: OneCyclePhase[] = three_phase
      ? [
          phase(pct_start * total_steps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(2 * pct_start * total_steps - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
          phase(total_steps - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
        ]
      : [
          phase(pct_start * total_steps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(total_steps - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum'),
        ];

    // PyTorch also requires isinstance(pct_start, float); a JS number cannot say 1.0, so 0 and 1 pass.
    if (pct_start < 0 || pct_start > 1 || Number.isNaN(pct_start)) {
      throw new TorchError(`Expected float between 0 and 1 pct_start, but got ${pyNum(pct_start)}`, 'ValueError');
    }

    const anneal_strategy = a.anneal_strategy;
    if (anneal_strategy !== 'cos' && anneal_strategy !== 'linear') {
      const got = pyStr(anneal_strategy);
      throw new TorchError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${got}`, 'ValueError');
    }
    // Python stores the bound method; the method of the class being constructed plays that part.
    const proto = new.target.prototype as OneCycleLR;
    const anneal_func = anneal_strategy === 'cos' ? proto._annealing_cos : proto._annealing_linear;

    const last_epoch = num(fn, 'last_epoch', a.last_epoch);
    const groups = groupsOf(optimizer);
    const max_lrs = formatParam('max_lr', optimizer, numOrList(fn, 'max_lr', a.max_lr));
    const div_factor = num(fn, 'div_factor', a.div_factor);
    const final_div_factor = num(fn, 'final_div_factor', a.final_div_factor);
    if (last_epoch === -1) {
      groups.forEach((group, idx) => {
        group.initial_lr = trueDiv(max_lrs[idx], div_factor);
        group.max_lr = max_lrs[idx];
        group.min_lr = trueDiv(group.initial_lr as number, final_div_factor);
      });
    }

    const cycle_momentum = bool(fn, 'cycle_momentum', a.cycle_momentum);
    const attrs: Args = { total_steps, _schedule_phases, anneal_func, cycle_momentum };
    if (cycle_momentum) {
      if (!supports(optimizer, 'momentum') && !supports(optimizer, 'betas')) {
        throw new TorchError('optimizer must support momentum with `cycle_momentum` option enabled', 'ValueError');
      }
      const use_beta1 = supports(optimizer, 'betas');
      attrs.use_beta1 = use_beta1;
      const max_momentums = formatParam('max_momentum', optimizer, numOrList(fn, 'max_momentum', a.max_momentum));
      const base_momentums = formatParam('base_momentum', optimizer, numOrList(fn, 'base_momentum', a.base_momentum));
      if (last_epoch === -1) {
        groups.forEach((group, i) => {
          if (use_beta1) group.betas = [max_momentums[i], ...betasOf(group).slice(1)];
          else group.momentum = max_momentums[i];
          group.max_momentum = max_momentums[i];
          group.base_momentum = base_momentums[i];
        });
      }
    }
    super(optimizer, baseOptions(fn, a), attrs);
  }

  /** Cosine anneal from `start` to `end` as pct goes from 0.0 to 1.0. */
  _annealing_cos(start: number, end: number, pct: number): number {
    const cos_out = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cos_out;
  }

  /** Linearly anneal from `start` to `end` as pct goes from 0.0 to 1.0. */
  _annealing_linear(start: number, end: number, pct: number): number {
    return (end - start) * pct + start;
  }

  override get_lr(): number[] {
    warnOutsideStep(this);
    const lrs: number[] = [];
    const step_num = this.last_epoch;
    if (step_num > this.total_steps) {
      throw new TorchError(
        `Tried to step ${pyNum(step_num + 1)} times. The specified number of total steps is ${pyNum(this.total_steps)}`,
        'ValueError',
      );
    }
    const phases = this._schedule_phases;
    for (const group of groupsOf(this.optimizer)) {
      let start_step = 0;
      let computed_lr = 0;
      let computed_momentum = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const end_step = phase.end_step;
        if (step_num <= end_step || i === phases.length - 1) {
          const pct = trueDiv(step_num - start_step, end_step - start_step, true);
          const value = (key: string): number => groupNumber(group, key);
          computed_lr = this.anneal_func(value(phase.start_lr), value(phase.end_lr), pct);
          if (this.cycle_momentum) {
            computed_momentum = this.anneal_func(value(phase.start_momentum), value(phase.end_momentum), pct);
          }
          break;
        }
        start_step = phase.end_step;
      }
      lrs.push(computed_lr);
      if (this.cycle_momentum) {
        if (this.use_beta1) group.betas = [computed_momentum, ...betasOf(group).slice(1)];
        else group.momentum = computed_momentum;
      }
    }
    return lrs;
  }
}

function betasOf(group: Group): unknown[] {
  if (!('betas' in group)) throw new TorchError('betas', 'KeyError');
  const b = group.betas;
  if (!Array.isArray(b)) throw new TypeError(`param group 'betas' must be a list, not ${typeName(b)}`);
  return b;
}

export interface CyclicLROptions extends LRSchedulerOptions {
  step_size_up?: number;
  step_size_down?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  scale_fn?: ((x: number) => number) | null;
  scale_mode?: 'cycle' | 'iterations';
  cycle_momentum?: boolean;
  base_momentum?: number | number[];
  max_momentum?: number | number[];
}

/**
 * Cyclical learning rates (CLR) between base_lr and max_lr, stepped per batch; momentum cycles
 * inversely. `_scale_fn_ref` holds the built-in policy's method (Python keeps a WeakMethod to it).
 */
export class CyclicLR extends LRScheduler {
  declare max_lrs: number[];
  declare total_size: number;
  declare step_ratio: number;
  declare mode: string;
  declare gamma: number;
  declare _scale_fn_custom: ((x: number) => number) | null;
  declare _scale_fn_ref: ((this: CyclicLR, x: number) => number) | null;
  declare scale_mode: string;
  declare cycle_momentum: boolean;
  declare base_momentums: number[];
  declare max_momentums: number[];

  constructor(
    optimizer: SchedulableOptimizer,
    base_lr: number | number[],
    max_lr: number | number[],
    options?: CyclicLROptions,
  );
  constructor(
    optimizer: SchedulableOptimizer,
    options: CyclicLROptions & { base_lr: number | number[]; max_lr: number | number[] },
  );
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const fn = 'CyclicLR';
    const a = parseArgs(`${fn}.__init__`, args, ['base_lr', 'max_lr'], {
      step_size_up: 2000,
      step_size_down: null,
      mode: 'triangular',
      gamma: 1.0,
      scale_fn: null,
      scale_mode: 'cycle',
      cycle_momentum: true,
      base_momentum: 0.8,
      max_momentum: 0.9,
      ...BASE_DEFAULTS,
    });
    checkOptimizer(optimizer);
    const last_epoch = num(fn, 'last_epoch', a.last_epoch);
    const groups = groupsOf(optimizer);
    const base_lrs = formatParam('base_lr', optimizer, numOrList(fn, 'base_lr', a.base_lr));
    if (last_epoch === -1) groups.forEach((group, i) => (group.lr = base_lrs[i]));
    const max_lrs = formatParam('max_lr', optimizer, numOrList(fn, 'max_lr', a.max_lr));

    const step_size_up = num(fn, 'step_size_up', a.step_size_up);
    const down = numOrNone(fn, 'step_size_down', a.step_size_down);
    const step_size_down = down !== null ? down : step_size_up;
    const total_size = step_size_up + step_size_down;
    const step_ratio = trueDiv(step_size_up, total_size, true);

    const mode = str(fn, 'mode', a.mode);
    const scale_fn = a.scale_fn;
    if (scale_fn !== null && typeof scale_fn !== 'function') {
      throw argError(fn, 'scale_fn', 'a function or None', scale_fn);
    }
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && scale_fn === null) {
      throw new TorchError('mode is invalid and scale_fn is None', 'ValueError');
    }
    const attrs: Args = { max_lrs, total_size, step_ratio, mode, gamma: num(fn, 'gamma', a.gamma) };
    const proto = new.target.prototype as CyclicLR;
    if (scale_fn === null) {
      attrs._scale_fn_custom = null;
      if (mode === 'triangular') attrs._scale_fn_ref = proto._triangular_scale_fn;
      else if (mode === 'triangular2') attrs._scale_fn_ref = proto._triangular2_scale_fn;
      else attrs._scale_fn_ref = proto._exp_range_scale_fn;
      attrs.scale_mode = mode === 'exp_range' ? 'iterations' : 'cycle';
    } else {
      attrs._scale_fn_custom = scale_fn;
      attrs._scale_fn_ref = null;
      attrs.scale_mode = str(fn, 'scale_mode', a.scale_mode);
    }

    const cycle_momentum = bool(fn, 'cycle_momentum', a.cycle_momentum);
    attrs.cycle_momentum = cycle_momentum;
    if (cycle_momentum) {
      if (!supports(optimizer, 'momentum')) {
        throw new TorchError('optimizer must support momentum with `cycle_momentum` option enabled', 'ValueError');
      }
      const base_momentums = formatParam('base_momentum', optimizer, numOrList(fn, 'base_momentum', a.base_momentum));
      if (last_epoch === -1) groups.forEach((group, i) => (group.momentum = base_momentums[i]));
      attrs.base_momentums = groups.map((g) => groupNumber(g, 'momentum'));
      attrs.max_momentums = formatParam('max_momentum', optimizer, numOrList(fn, 'max_momentum', a.max_momentum));
    }
    super(optimizer, baseOptions(fn, a), attrs);
    this.base_lrs = base_lrs;
  }

  scale_fn(x: number): number {
    if (this._scale_fn_custom !== null) return this._scale_fn_custom(x);
    return (this._scale_fn_ref as (this: CyclicLR, x: number) => number).call(this, x);
  }

  _triangular_scale_fn(_x: number): number {
    return 1.0;
  }

  _triangular2_scale_fn(x: number): number {
    return 1 / 2.0 ** (x - 1);
  }

  _exp_range_scale_fn(x: number): number {
    return this.gamma ** x;
  }

  /** The lr at batch index last_epoch; with cycle_momentum it also sets each group's momentum. */
  override get_lr(): number[] {
    warnOutsideStep(this);
    const cycle = Math.floor(1 + trueDiv(this.last_epoch, this.total_size, true));
    const x = 1 + this.last_epoch / this.total_size - cycle;
    const scale_factor =
      x <= this.step_ratio ? trueDiv(x, this.step_ratio, true) : trueDiv(x - 1, this.step_ratio - 1, true);
    const at = this.scale_mode === 'cycle' ? cycle : this.last_epoch;
    const n = Math.min(this.base_lrs.length, this.max_lrs.length);
    const lrs: number[] = [];
    for (let i = 0; i < n; i++) {
      const base_height = (this.max_lrs[i] - this.base_lrs[i]) * scale_factor;
      lrs.push(this.base_lrs[i] + base_height * this.scale_fn(at));
    }
    if (this.cycle_momentum) {
      const momentums: number[] = [];
      const m = Math.min(this.base_momentums.length, this.max_momentums.length);
      for (let i = 0; i < m; i++) {
        const base_height = (this.max_momentums[i] - this.base_momentums[i]) * scale_factor;
        momentums.push(this.max_momentums[i] - base_height * this.scale_fn(at));
      }
      const groups = groupsOf(this.optimizer);
      for (let i = 0; i < Math.min(groups.length, m); i++) groups[i].momentum = momentums[i];
    }
    return lrs;
  }
}

// ---------------------------------------------------------------------------------------------
// SequentialLR, ChainedScheduler
// ---------------------------------------------------------------------------------------------

function schedulerList(fn: string, name: string, v: unknown): LRScheduler[] {
  if (!Array.isArray(v)) throw argError(fn, name, 'list of LRSchedulers', v);
  v.forEach((s, i) => {
    if (!(s instanceof LRScheduler)) throw argError(fn, `${name}[${i}]`, 'LRScheduler', s);
  });
  return v as LRScheduler[];
}

/** Python's TypeError for `step(epoch)` on a scheduler whose step() takes no argument. */
function tooManyStepArgs(cls: string, n: number): TypeError {
  return new TypeError(`${cls}.step() takes 1 positional argument but ${n + 1} were given`);
}

/** State dict of a scheduler wrapping others: its own attributes, then each wrapped state dict. */
function nestedStateDict(s: LRScheduler & { _schedulers: LRScheduler[] }): SchedulerStateDict {
  const sd: SchedulerStateDict = {};
  for (const [k, v] of entriesOf(s)) if (k !== 'optimizer' && k !== '_schedulers') sd[k] = cloneState(v);
  sd._schedulers = s._schedulers.map((x) => x.state_dict());
  return sd;
}

function nestedLoadStateDict(s: LRScheduler & { _schedulers: LRScheduler[] }, state_dict: SchedulerStateDict): void {
  const { _schedulers, ...rest } = checkStateDict('load_state_dict', state_dict);
  Object.assign(s, cloneState(rest));
  if (Array.isArray(_schedulers)) {
    _schedulers.forEach((sd: unknown, i) => s._schedulers[i].load_state_dict(sd as SchedulerStateDict));
  }
}

/**
 * Runs `schedulers` one after the other, switching at each milestone (the next scheduler starts
 * from its epoch 0 there). `verbose` is accepted and ignored, as in PyTorch.
 */
export class SequentialLR extends LRScheduler {
  declare _schedulers: LRScheduler[];
  declare _milestones: number[];

  constructor(
    optimizer: SchedulableOptimizer,
    schedulers: LRScheduler[],
    milestones: number[],
    options?: LRSchedulerOptions,
  );
  constructor(
    optimizer: SchedulableOptimizer,
    schedulers: LRScheduler[],
    options: LRSchedulerOptions & { milestones: number[] },
  );
  constructor(
    optimizer: SchedulableOptimizer,
    options: LRSchedulerOptions & { schedulers: LRScheduler[]; milestones: number[] },
  );
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const fn = 'SequentialLR';
    const a = parseArgs(`${fn}.__init__`, args, ['schedulers', 'milestones'], BASE_DEFAULTS);
    const schedulers = schedulerList(fn, 'schedulers', a.schedulers);
    const milestones = numList(fn, 'milestones', a.milestones);
    const { last_epoch } = baseOptions(fn, a);
    schedulers.forEach((s, idx) => {
      if (s.optimizer !== optimizer) {
        throw new TorchError(
          'Sequential Schedulers expects all schedulers to belong to the same optimizer, but ' +
            `got schedulers at index ${idx} to be different than the optimizer passed in.`,
          'ValueError',
        );
      }
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new TorchError(
          'Sequential Schedulers expects all schedulers to belong to the same optimizer, but ' +
            `got schedulers at index 0 and ${idx} to be different.`,
          'ValueError',
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new TorchError(
        'Sequential Schedulers expects number of schedulers provided to be one more ' +
          'than the number of milestone points, but got number of schedulers ' +
          `${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
        'ValueError',
      );
    }
    super(optimizer);
    this._schedulers = schedulers;
    this._milestones = milestones;
    this.last_epoch = last_epoch + 1;
    this.optimizer = optimizer;

    // Reset learning rates back to initial values
    for (const group of groupsOf(optimizer)) group.lr = groupNumber(group, 'initial_lr');
    // "Undo" the step performed by other schedulers
    for (const s of schedulers) s.last_epoch -= 1;
    // Perform the initial step for only the first scheduler
    schedulers[0]._initial_step();
    this._last_lr = schedulers[0].get_last_lr();
  }

  override step(...args: never[]): void {
    if (args.length) throw tooManyStepArgs('SequentialLR', args.length);
    this.last_epoch += 1;
    const idx = bisectRight(this._milestones, this.last_epoch);
    const scheduler = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.last_epoch) scheduler.step(0);
    else scheduler.step();
    this._last_lr = scheduler.get_last_lr();
  }

  /** Its own attributes plus each wrapped scheduler's state dict under `_schedulers`. */
  override state_dict(): SchedulerStateDict {
    return nestedStateDict(this);
  }

  override load_state_dict(state_dict: SchedulerStateDict): void {
    nestedLoadStateDict(this, state_dict);
  }
}
NO_BASE_INIT.add(SequentialLR);

/** Steps every scheduler in `schedulers` (all on one optimizer) at each step(), chaining their changes. */
export class ChainedScheduler extends LRScheduler {
  declare _schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[]);
  constructor(options: { schedulers: LRScheduler[] });
  constructor(...args: unknown[]) {
    const fn = 'ChainedScheduler';
    const a = parseArgs(`${fn}.__init__`, args, ['schedulers'], {}, '');
    const schedulers = schedulerList(fn, 'schedulers', a.schedulers);
    for (let idx = 1; idx < schedulers.length; idx++) {
      if (schedulers[idx].optimizer !== schedulers[0].optimizer) {
        throw new TorchError(
          'ChainedScheduler expects all schedulers to belong to the same optimizer, but ' +
            `got schedulers at index 0 and ${idx} to be different`,
          'ValueError',
        );
      }
    }
    if (schedulers.length === 0) throw new TorchError('list index out of range', 'IndexError');
    const optimizer = schedulers[0].optimizer;
    super(optimizer);
    this._schedulers = [...schedulers];
    this.optimizer = optimizer;
    this._last_lr = currentLrs(this._schedulers[this._schedulers.length - 1].optimizer);
  }

  override step(...args: never[]): void {
    if (args.length) throw tooManyStepArgs('ChainedScheduler', args.length);
    for (const s of this._schedulers) s.step();
    this._last_lr = currentLrs(this._schedulers[this._schedulers.length - 1].optimizer);
  }

  override state_dict(): SchedulerStateDict {
    return nestedStateDict(this);
  }

  override load_state_dict(state_dict: SchedulerStateDict): void {
    nestedLoadStateDict(this, state_dict);
  }
}
NO_BASE_INIT.add(ChainedScheduler);

// ---------------------------------------------------------------------------------------------
// ReduceLROnPlateau
// ---------------------------------------------------------------------------------------------

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  threshold_mode?: 'rel' | 'abs';
  cooldown?: number;
  min_lr?: number | number[];
  eps?: number;
  verbose?: boolean;
}

/** A metric as `float(metrics)` takes it: a number or a one-element tensor. */
export type Metric = number | { item(): number | bigint | boolean };

function metricValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { item?: unknown }).item === 'function') {
    return Number((v as { item(): unknown }).item());
  }
  throw argError('ReduceLROnPlateau.step', 'metrics', 'Number or Tensor', v);
}

/**
 * Reduces each group's lr by `factor` when a metric stopped improving for `patience` epochs. As in
 * PyTorch 1.13 it is not an LRScheduler subclass; `step(metrics)` takes the metric.
 */
export class ReduceLROnPlateau {
  declare factor: number;
  declare optimizer: SchedulableOptimizer;
  declare min_lrs: number[];
  declare patience: number;
  declare verbose: boolean;
  declare cooldown: number;
  declare cooldown_counter: number;
  declare mode: string;
  declare threshold: number;
  declare threshold_mode: string;
  declare best: number | null;
  declare num_bad_epochs: number | null;
  declare mode_worse: number | null;
  declare eps: number;
  declare last_epoch: number;
  /** Set by the first step, as in PyTorch 1.13. */
  declare _last_lr?: number[];

  constructor(optimizer: SchedulableOptimizer, options?: ReduceLROnPlateauOptions);
  constructor(optimizer: SchedulableOptimizer, ...args: unknown[]) {
    const fn = 'ReduceLROnPlateau';
    const a = parseArgs(`${fn}.__init__`, args, [], {
      mode: 'min',
      factor: 0.1,
      patience: 10,
      threshold: 1e-4,
      threshold_mode: 'rel',
      cooldown: 0,
      min_lr: 0,
      eps: 1e-8,
      verbose: false,
    });
    const factor = num(fn, 'factor', a.factor);
    if (factor >= 1.0) throw new TorchError('Factor should be < 1.0.', 'ValueError');
    this.factor = factor;
    this.optimizer = checkOptimizer(optimizer);
    const n = optimizer.param_groups.length;
    const min_lr = numOrList(fn, 'min_lr', a.min_lr);
    if (Array.isArray(min_lr)) {
      if (min_lr.length !== n) throw new TorchError(`expected ${n} min_lrs, got ${min_lr.length}`, 'ValueError');
      this.min_lrs = [...min_lr];
    } else {
      this.min_lrs = new Array<number>(n).fill(min_lr);
    }
    this.patience = num(fn, 'patience', a.patience);
    this.verbose = bool(fn, 'verbose', a.verbose);
    this.cooldown = num(fn, 'cooldown', a.cooldown);
    this.cooldown_counter = 0;
    this.mode = str(fn, 'mode', a.mode);
    this.threshold = num(fn, 'threshold', a.threshold);
    this.threshold_mode = str(fn, 'threshold_mode', a.threshold_mode);
    this.best = null;
    this.num_bad_epochs = null;
    this.mode_worse = null; // the worse value for the chosen mode
    this.eps = num(fn, 'eps', a.eps);
    this.last_epoch = 0;
    this._init_is_better(this.mode, this.threshold, this.threshold_mode);
    this._reset();
  }

  /** Resets num_bad_epochs counter and cooldown counter. */
  _reset(): void {
    this.best = this.mode_worse;
    this.cooldown_counter = 0;
    this.num_bad_epochs = 0;
  }

  /** `step(metrics)`; the deprecated `step(metrics, epoch)` / `step(metrics, { epoch })` sets the epoch. */
  step(metrics: Metric, epoch?: number | null | { epoch?: number | null }): void {
    const current = metricValue(metrics);
    let e = epochArg('ReduceLROnPlateau.step', epoch);
    if (e === null) e = this.last_epoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING);
    this.last_epoch = e;

    if (this.is_better(current, this.best as number)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else {
      this.num_bad_epochs = (this.num_bad_epochs as number) + 1;
    }

    if (this.in_cooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // ignore any bad epochs in cooldown
    }

    if ((this.num_bad_epochs as number) > this.patience) {
      this._reduce_lr(e);
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }

    this._last_lr = currentLrs(this.optimizer);
  }

  /**
   * The learning rates after the last step (before the first step, the current ones). PyTorch 1.13's
   * ReduceLROnPlateau has no get_last_lr(); later versions return the same.
   */
  get_last_lr(): number[] {
    return this._last_lr ?? currentLrs(this.optimizer);
  }

  _reduce_lr(epoch: number): void {
    groupsOf(this.optimizer).forEach((group, i) => {
      const old_lr = groupNumber(group, 'lr');
      const reduced = old_lr * this.factor;
      const new_lr = this.min_lrs[i] > reduced ? this.min_lrs[i] : reduced; // Python's max(reduced, min_lr)
      if (old_lr - new_lr > this.eps) {
        group.lr = new_lr;
        if (this.verbose) {
          console.log(`Epoch ${formatEpoch(epoch)}: reducing learning rate of group ${i} to ${formatE4(new_lr)}.`);
        }
      }
    });
  }

  get in_cooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  is_better(a: number, best: number): boolean {
    if (this.mode === 'min' && this.threshold_mode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.threshold_mode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.threshold_mode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold; // mode == 'max' and threshold_mode == 'abs'
  }

  _init_is_better(mode: string, threshold: number, threshold_mode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new TorchError(`mode ${mode} is unknown!`, 'ValueError');
    if (threshold_mode !== 'rel' && threshold_mode !== 'abs') {
      throw new TorchError(`threshold mode ${threshold_mode} is unknown!`, 'ValueError');
    }
    this.mode_worse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.threshold_mode = threshold_mode;
  }

  state_dict(): SchedulerStateDict {
    const sd: SchedulerStateDict = {};
    for (const [k, v] of entriesOf(this)) if (k !== 'optimizer') sd[k] = cloneState(v);
    return sd;
  }

  load_state_dict(state_dict: SchedulerStateDict): void {
    Object.assign(this, cloneState(checkStateDict('load_state_dict', state_dict)));
    this._init_is_better(this.mode, this.threshold, this.threshold_mode);
  }
}
