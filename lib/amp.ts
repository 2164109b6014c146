/**
 * Mixed precision: torch.autocast and GradScaler (torch.cuda.amp.GradScaler / torch.amp.GradScaler).
 *
 *   const scaler = new torch.cuda.amp.GradScaler();
 *   const loss = torch.autocast('cuda', () => criterion(model(x), y));
 *   scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update();
 */
import { N } from './native';
import { dtype, bfloat16, float16, float32, int32 } from './dtype';
import { argError, TorchError } from './errors';
import { keep } from './scope';
import { Tensor } from './tensor';
import { full, zeros } from './creation';
import { no_grad } from './autograd';
import * as cuda from './cuda';

export interface AutocastOptions {
  dtype?: dtype;
  enabled?: boolean;
  cache_enabled?: boolean;
}

function warn(message: string): void {
  process.emitWarning(message, 'UserWarning');
}

/**
 * `torch.autocast(device_type, fn)` / `torch.autocast(device_type, { dtype, enabled, cache_enabled }, fn)`:
 * Python's `with torch.autocast(...):` block. Ops in fn run in the lower precision where PyTorch's
 * autocast lists allow it (float16 on CUDA by default, bfloat16 on CPU). An async fn keeps autocast
 * on until its promise settles (the state is per thread, as in PyTorch).
 */
export function autocast<T>(device_type: 'cuda' | 'cpu', optsOrFn: AutocastOptions | (() => T), maybeFn?: () => T): T {
  const fn = typeof optsOrFn === 'function' ? optsOrFn : maybeFn;
  const opts = typeof optsOrFn === 'function' ? {} : (optsOrFn ?? {});
  if (typeof fn !== 'function') throw argError('autocast', 'fn', 'a function', fn);
  if (device_type !== 'cuda' && device_type !== 'cpu') {
    throw new TorchError(`User specified autocast device_type must be 'cuda' or 'cpu', but got ${String(device_type)}`);
  }
  const isCuda = device_type === 'cuda';
  let enabled = opts.enabled ?? true;
  let fast = opts.dtype ?? (isCuda ? float16 : bfloat16);
  if (!(fast instanceof dtype)) throw argError('autocast', 'dtype', 'torch.dtype', fast);
  if (isCuda && enabled && !cuda.is_available()) {
    warn("User provided device_type of 'cuda', but CUDA is not available. Disabling");
    enabled = false;
  }
  if (!isCuda && enabled && fast !== bfloat16) {
    warn(
      'In CPU autocast, but the target dtype is not supported. Disabling autocast.\nCPU Autocast only supports dtype of torch.bfloat16 currently.',
    );
    enabled = false;
    fast = bfloat16;
  }
  if (isCuda && enabled && fast !== float16 && fast !== bfloat16) {
    warn(
      'In CUDA autocast, but the target dtype is not supported. Disabling autocast.\nCUDA Autocast only supports dtypes of torch.float16 and torch.bfloat16 currently.',
    );
    enabled = false;
  }
  const [prevEnabled, prevDtype, prevCache] = N.autocast_enter(isCuda, enabled, fast.code, opts.cache_enabled ?? true);
  const exit = () => N.autocast_exit(isCuda, prevEnabled, prevDtype, prevCache);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    exit();
    throw e;
  }
  if (result instanceof Promise) return result.finally(exit) as T;
  exit();
  return result;
}

export function is_autocast_enabled(device_type: 'cuda' | 'cpu' = 'cuda'): boolean {
  return N.is_autocast_enabled(device_type === 'cuda');
}

/** What GradScaler needs of an optimizer: its parameters' gradients and a step. */
interface ScalableOptimizer {
  param_groups: { params: Tensor[] }[];
  step(closure?: () => unknown): unknown;
}

type Stage = 'ready' | 'unscaled' | 'stepped';

export interface GradScalerOptions {
  init_scale?: number;
  growth_factor?: number;
  backoff_factor?: number;
  growth_interval?: number;
  enabled?: boolean;
}

export interface GradScalerState {
  scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  _growth_tracker: number;
}

/**
 * Dynamic loss scaling, PyTorch's algorithm: gradients are unscaled (and checked for inf/nan) in
 * one native call per optimizer; a step with inf/nan gradients is skipped and the scale backs off;
 * after growth_interval clean steps it grows.
 */
export class GradScaler {
  private readonly device: 'cuda' | 'cpu';
  private enabled: boolean;
  private initScale: number;
  private growthFactor: number;
  private backoffFactor: number;
  private growthInterval: number;
  private initGrowthTracker = 0;
  private scaleT: Tensor | null = null;
  private trackerT: Tensor | null = null;
  private perOptimizer = new Map<ScalableOptimizer, { stage: Stage; found_inf: Tensor | null }>();

  /** `new GradScaler()` (CUDA), `new GradScaler('cpu', opts)` or `new GradScaler(opts)`. */
  constructor(deviceOrOpts: 'cuda' | 'cpu' | GradScalerOptions = 'cuda', opts: GradScalerOptions = {}) {
    const o = typeof deviceOrOpts === 'object' ? deviceOrOpts : opts;
    this.device = typeof deviceOrOpts === 'string' ? deviceOrOpts : 'cuda';
    this.enabled = o.enabled ?? true;
    if (this.enabled && this.device === 'cuda' && !cuda.is_available()) {
      warn('torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.');
      this.enabled = false;
    }
    this.initScale = o.init_scale ?? 2 ** 16;
    this.growthFactor = o.growth_factor ?? 2.0;
    this.backoffFactor = o.backoff_factor ?? 0.5;
    this.growthInterval = o.growth_interval ?? 2000;
    if (this.enabled) {
      if (!(this.growthFactor > 1)) throw new TorchError('The growth factor must be > 1.0.', 'AssertionError');
      if (!(this.backoffFactor < 1)) throw new TorchError('The backoff factor must be < 1.0.', 'AssertionError');
    }
  }

  is_enabled(): boolean {
    return this.enabled;
  }

  private lazyInit(device: string): void {
    if (this.scaleT) return;
    this.scaleT = keep(full([], this.initScale, { dtype: float32, device }));
    this.trackerT = keep(full([], this.initGrowthTracker, { dtype: int32, device }));
  }

  private stateFor(opt: ScalableOptimizer): { stage: Stage; found_inf: Tensor | null } {
    let s = this.perOptimizer.get(opt);
    if (!s) {
      s = { stage: 'ready', found_inf: null };
      this.perOptimizer.set(opt, s);
    }
    return s;
  }

  /** Multiplies outputs (a Tensor or nested arrays of Tensors) by the scale factor. */
  scale<T extends Tensor | unknown[]>(outputs: T): T {
    if (!this.enabled) return outputs;
    const apply = (v: unknown): unknown => {
      if (v instanceof Tensor) {
        this.lazyInit(String(v.device));
        return v.mul((this.scaleT as Tensor).to(v.device));
      }
      if (Array.isArray(v)) return v.map(apply);
      throw new TorchError('outputs must be a Tensor or an iterable of Tensors', 'ValueError');
    };
    return apply(outputs) as T;
  }

  /** Divides the optimizer's gradients by the scale (in place) and records inf/nan. */
  unscale_(optimizer: ScalableOptimizer): void {
    if (!this.enabled) return;
    const s = this.stateFor(optimizer);
    if (s.stage === 'unscaled')
      throw new TorchError('unscale_() has already been called on this optimizer since the last update().');
    if (s.stage === 'stepped') throw new TorchError('unscale_() is being called after step().');
    if (!this.scaleT)
      throw new TorchError(
        'Attempted unscale_ but _scale is None.  This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration.',
        'AssertionError',
      );
    const grads: Tensor[] = [];
    for (const g of optimizer.param_groups) {
      for (const p of g.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (grad.dtype === float16) throw new TorchError('Attempting to unscale FP16 gradients.', 'ValueError');
        grads.push(grad);
      }
    }
    const scaleT = this.scaleT;
    const foundInf = keep(zeros([], { dtype: float32, device: scaleT.device }));
    const inv = scaleT.double().reciprocal().float();
    no_grad(() =>
      N.amp_unscale_(
        grads.map((g) => g._h),
        foundInf._h,
        inv._h,
      ),
    );
    s.found_inf = foundInf;
    s.stage = 'unscaled';
  }

  /** Unscales if needed, then runs optimizer.step() unless inf/nan gradients were found. */
  step(optimizer: ScalableOptimizer, closure?: () => unknown): unknown {
    if (!this.enabled) return optimizer.step(closure);
    if (closure !== undefined) throw new TorchError('Closure use is not currently supported if GradScaler is enabled.');
    const s = this.stateFor(optimizer);
    if (s.stage === 'stepped') throw new TorchError('step() has already been called since the last update().');
    if (s.stage === 'ready') this.unscale_(optimizer);
    if (!s.found_inf) throw new TorchError('No inf checks were recorded for this optimizer.', 'AssertionError');
    const result = (s.found_inf.item() as number) === 0 ? optimizer.step() : undefined;
    s.stage = 'stepped';
    return result;
  }

  /** Updates the scale from this iteration's inf checks (or sets new_scale), then resets per-optimizer state. */
  update(new_scale?: number | Tensor): void {
    if (!this.enabled) return;
    if (!this.scaleT || !this.trackerT) throw new TorchError('Attempted update but _scale is None.', 'AssertionError');
    const scaleT = this.scaleT;
    if (new_scale !== undefined) {
      no_grad(() => scaleT.fill_(new_scale instanceof Tensor ? (new_scale.item() as number) : new_scale));
    } else {
      const infs = [...this.perOptimizer.values()].map((s) => s.found_inf).filter((f): f is Tensor => f !== null);
      if (infs.length === 0) throw new TorchError('No inf checks were recorded prior to update.', 'AssertionError');
      let found = infs[0];
      for (const f of infs.slice(1)) found = found.add(f);
      N.amp_update_scale_(
        scaleT._h,
        this.trackerT._h,
        found._h,
        this.growthFactor,
        this.backoffFactor,
        this.growthInterval,
      );
    }
    this.perOptimizer.clear();
  }

  get_scale(): number {
    if (!this.enabled) return 1.0;
    return this.scaleT ? (this.scaleT.item() as number) : this.initScale;
  }
  get_growth_factor(): number {
    return this.growthFactor;
  }
  set_growth_factor(v: number): void {
    this.growthFactor = v;
  }
  get_backoff_factor(): number {
    return this.backoffFactor;
  }
  set_backoff_factor(v: number): void {
    this.backoffFactor = v;
  }
  get_growth_interval(): number {
    return this.growthInterval;
  }
  set_growth_interval(v: number): void {
    this.growthInterval = v;
  }

  state_dict(): GradScalerState | Record<string, never> {
    if (!this.enabled) return {};
    return {
      scale: this.get_scale(),
      growth_factor: this.growthFactor,
      backoff_factor: this.backoffFactor,
      growth_interval: this.growthInterval,
      _growth_tracker: this.trackerT ? (this.trackerT.item() as number) : this.initGrowthTracker,
    };
  }

  load_state_dict(state: GradScalerState | Record<string, never>): void {
    if (!this.enabled) return;
    if (Object.keys(state).length === 0) {
      throw new TorchError(
        'The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.',
      );
    }
    const st = state as GradScalerState;
    this.initScale = st.scale;
    this.growthFactor = st.growth_factor;
    this.backoffFactor = st.backoff_factor;
    this.growthInterval = st.growth_interval;
    this.initGrowthTracker = st._growth_tracker;
    if (this.scaleT) no_grad(() => (this.scaleT as Tensor).fill_(st.scale));
    if (this.trackerT) no_grad(() => (this.trackerT as Tensor).fill_(st._growth_tracker));
  }
}
