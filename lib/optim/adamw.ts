/**
 * torch.optim.AdamW (PyTorch 1.13, torch/optim/adamw.py): Adam with decoupled weight decay
 * (`param.mul_(1 - lr * weight_decay)`), default weight_decay 1e-2. A separate class, as in Python
 * (not a subclass of Adam); the update is shared with adam.ts.
 */
import { AdamState, adamUpdate, checkAdamRanges, stepsToTensors } from './adam';
import { DefaultsOf, Group, Optimizer, ParamsInput, checkOptions, mergeLr, notSupported } from './optimizer';

/** 1.13's AdamW has no `differentiable` or `fused` option (passing one is a TypeError, as in Python). */
export interface AdamWDefaults {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  /** Accepted for compatibility; the native loop is used either way (same math). */
  foreach: boolean | null;
  maximize: boolean;
  /** CUDA-graph capture: not supported (must be false). */
  capturable: boolean;
}
export type AdamWOptions = Partial<AdamWDefaults>;
export type AdamWState = AdamState;

const SPEC = {
  lr: 'float',
  betas: 'betas',
  eps: 'float',
  weight_decay: 'float',
  amsgrad: 'bool',
  foreach: 'bool?',
  maximize: 'bool',
  capturable: 'bool',
} as const;

function adamwDefaults(lrOrOpts: number | AdamWOptions | undefined, opts?: AdamWOptions): DefaultsOf<AdamWDefaults> {
  const o = mergeLr('AdamW', lrOrOpts, opts);
  checkOptions('AdamW', o, SPEC);
  // Key order is Python's dict(lr, betas, eps, weight_decay, amsgrad, foreach, maximize, capturable).
  const d: AdamWDefaults = {
    lr: o.lr ?? 1e-3,
    betas: [...(o.betas ?? [0.9, 0.999])] as [number, number],
    eps: o.eps ?? 1e-8,
    weight_decay: o.weight_decay ?? 1e-2,
    amsgrad: o.amsgrad ?? false,
    foreach: o.foreach ?? null,
    maximize: o.maximize ?? false,
    capturable: o.capturable ?? false,
  };
  checkAdamRanges(d.lr, d.betas, d.eps, d.weight_decay);
  if (d.capturable) throw notSupported('AdamW(capturable=True)');
  return d;
}

export class AdamW extends Optimizer<AdamWDefaults, AdamWState> {
  /** `new AdamW(params)`, `new AdamW(params, 1e-3, { weight_decay: 0.05 })` or `new AdamW(params, { lr: 1e-3 })`. */
  constructor(params: ParamsInput<AdamWDefaults>, lr?: number | AdamWOptions, opts?: AdamWOptions) {
    super(params, adamwDefaults(lr, opts));
  }

  protected override _setstate(): void {
    this._groupDefaults({ amsgrad: false, maximize: false, foreach: null, capturable: false });
    stepsToTensors(this.state);
  }

  protected _update(group: Group<AdamWDefaults>): void {
    const { params, handles } = this._withGrad(group);
    adamUpdate(this.state, group, params, handles, true);
  }
}
