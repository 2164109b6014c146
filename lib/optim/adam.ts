/** torch.optim.Adam (PyTorch 1.13, torch/optim/adam.py), plus the update AdamW shares. */
import { N, Handle } from '../native';
import { Tensor } from '../tensor';
import { TorchError } from '../errors';
import { keep } from '../scope';
import { zeros, zeros_like } from '../creation';
import {
  DefaultsOf,
  Group,
  Optimizer,
  ParamsInput,
  checkOptions,
  mergeLr,
  notSupported,
  pyNum,
  valueError,
} from './optimizer';

export interface AdamDefaults {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** Accepted for compatibility; the native loop is used either way (same math). */
  foreach: boolean | null;
  /** CUDA-graph capture: not supported (must be false). */
  capturable: boolean;
  /** Must be false. */
  differentiable: boolean;
  /** Must be false (fused CUDA kernels are not bound). */
  fused: boolean;
}
export type AdamOptions = Partial<AdamDefaults>;

/** As in 1.13: `step` is a float32 0-dim tensor (`torch.tensor(0.)`), bumped in place. */
export interface AdamState {
  step: Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
  max_exp_avg_sq?: Tensor;
}

/** The options Adam and AdamW both have, in the shape the shared update needs. */
export interface AdamLikeGroup {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Python's range checks shared by Adam and AdamW, in Python's order. */
export function checkAdamRanges(lr: number, betas: [number, number], eps: number, weight_decay: number): void {
  if (!(0.0 <= lr)) throw valueError(`Invalid learning rate: ${pyNum(lr)}`);
  if (!(0.0 <= eps)) throw valueError(`Invalid epsilon value: ${pyNum(eps)}`);
  if (!(0.0 <= betas[0] && betas[0] < 1.0)) throw valueError(`Invalid beta parameter at index 0: ${pyNum(betas[0])}`);
  if (!(0.0 <= betas[1] && betas[1] < 1.0)) throw valueError(`Invalid beta parameter at index 1: ${pyNum(betas[1])}`);
  if (!(0.0 <= weight_decay)) throw valueError(`Invalid weight_decay value: ${pyNum(weight_decay)}`);
}

/**
 * One Adam/AdamW step for a group: lazy state initialization as in Python's step(), then one
 * native call running `_single_tensor_adam` (or `_single_tensor_adamw` when `decoupled`).
 */
export function adamUpdate(
  state: Map<Tensor, AdamState>,
  group: AdamLikeGroup,
  params: Tensor[],
  handles: Handle[],
  decoupled: boolean,
): void {
  const amsgrad = group.amsgrad;
  const exp_avgs: unknown[] = [];
  const exp_avg_sqs: unknown[] = [];
  const max_exp_avg_sqs: unknown[] = [];
  const steps: unknown[] = [];
  for (const p of params) {
    let s = state.get(p);
    if (s === undefined || Object.keys(s).length === 0) {
      s = { step: keep(zeros([])), exp_avg: keep(zeros_like(p)), exp_avg_sq: keep(zeros_like(p)) };
      if (amsgrad) s.max_exp_avg_sq = keep(zeros_like(p));
      state.set(p, s);
    }
    exp_avgs.push(s.exp_avg._h);
    exp_avg_sqs.push(s.exp_avg_sq._h);
    if (amsgrad) {
      if (s.max_exp_avg_sq === undefined) throw new TorchError("'max_exp_avg_sq'", 'KeyError');
      max_exp_avg_sqs.push(s.max_exp_avg_sq._h);
    }
    if (!(s.step instanceof Tensor)) {
      throw new TorchError('API has changed, `state_steps` argument must contain a list of singleton tensors');
    }
    steps.push(s.step._h);
  }
  const [beta1, beta2] = group.betas;
  N.optim_adam_step(
    handles,
    exp_avgs,
    exp_avg_sqs,
    max_exp_avg_sqs,
    steps,
    amsgrad,
    beta1,
    beta2,
    group.lr,
    group.weight_decay,
    group.eps,
    group.maximize,
    decoupled,
  );
}

/** Python's __setstate__ for Adam/AdamW: a loaded numeric `step` becomes `torch.tensor(float(step))`. */
export function stepsToTensors(state: Map<Tensor, { step: Tensor | number }>): void {
  const values = [...state.values()];
  if (values.length !== 0 && values[0].step instanceof Tensor) return;
  for (const s of values) s.step = keep(zeros([]).add_(Number(s.step)));
}

const SPEC = {
  lr: 'float',
  betas: 'betas',
  eps: 'float',
  weight_decay: 'float',
  amsgrad: 'bool',
  maximize: 'bool',
  foreach: 'bool?',
  capturable: 'bool',
  differentiable: 'bool',
  fused: 'bool',
} as const;

function adamDefaults(lrOrOpts: number | AdamOptions | undefined, opts?: AdamOptions): DefaultsOf<AdamDefaults> {
  const o = mergeLr('Adam', lrOrOpts, opts);
  checkOptions('Adam', o, SPEC);
  const d: AdamDefaults = {
    lr: o.lr ?? 1e-3,
    betas: [...(o.betas ?? [0.9, 0.999])] as [number, number],
    eps: o.eps ?? 1e-8,
    weight_decay: o.weight_decay ?? 0,
    amsgrad: o.amsgrad ?? false,
    maximize: o.maximize ?? false,
    foreach: o.foreach ?? null,
    capturable: o.capturable ?? false,
    differentiable: o.differentiable ?? false,
    fused: o.fused ?? false,
  };
  checkAdamRanges(d.lr, d.betas, d.eps, d.weight_decay);
  if (d.capturable) throw notSupported('Adam(capturable=True)');
  if (d.differentiable && !d.fused) throw notSupported('Adam(differentiable=True)');
  return d;
}

export class Adam extends Optimizer<AdamDefaults, AdamState> {
  /** `new Adam(params)`, `new Adam(params, 1e-3, { betas: [0.9, 0.99] })` or `new Adam(params, { lr: 1e-3 })`. */
  constructor(params: ParamsInput<AdamDefaults>, lr?: number | AdamOptions, opts?: AdamOptions) {
    const defaults = adamDefaults(lr, opts);
    super(params, defaults);
    if (defaults.fused) {
      // Python's checks after super().__init__; torchts has no fused kernels even on CUDA.
      if (defaults.differentiable) throw new TorchError('`fused` cannot be `differentiable`');
      const ok = (p: Tensor): boolean => p.device.type === 'cuda' && p.is_floating_point();
      if (!this.param_groups.every((g) => g.params.every(ok))) {
        throw new TorchError('FusedAdam requires all the params to be CUDA, floating point');
      }
      throw notSupported('Adam(fused=True)');
    }
  }

  protected override _setstate(): void {
    this._groupDefaults({
      amsgrad: false,
      maximize: false,
      foreach: null,
      capturable: false,
      differentiable: false,
      fused: false,
    });
    stepsToTensors(this.state);
  }

  protected _update(group: Group<AdamDefaults>): void {
    const { params, handles } = this._withGrad(group);
    adamUpdate(this.state, group, params, handles, false);
  }
}
