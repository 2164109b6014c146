/** torch.optim.RMSprop (PyTorch 1.13, torch/optim/rmsprop.py): alpha, momentum, centered, weight decay, maximize. */
import { N, Handle } from '../native';
import { Tensor } from '../tensor';
import { TorchError } from '../errors';
import { keep } from '../scope';
import { zeros_like } from '../creation';
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

export interface RMSpropDefaults {
  lr: number;
  momentum: number;
  alpha: number;
  eps: number;
  centered: boolean;
  weight_decay: number;
  /** Accepted for compatibility; the native loop is used either way (same math). */
  foreach: boolean | null;
  maximize: boolean;
  /** Must be false. */
  differentiable: boolean;
}
export type RMSpropOptions = Partial<RMSpropDefaults>;

/** In 1.13 RMSprop's `step` is a plain int (not a tensor, unlike Adam's). */
export interface RMSpropState {
  step: number;
  square_avg: Tensor;
  momentum_buffer?: Tensor;
  grad_avg?: Tensor;
}

const SPEC = {
  lr: 'float',
  alpha: 'float',
  eps: 'float',
  weight_decay: 'float',
  momentum: 'float',
  centered: 'bool',
  foreach: 'bool?',
  maximize: 'bool',
  differentiable: 'bool',
} as const;

function rmspropDefaults(
  lrOrOpts: number | RMSpropOptions | undefined,
  opts?: RMSpropOptions,
): DefaultsOf<RMSpropDefaults> {
  const o = mergeLr('RMSprop', lrOrOpts, opts);
  checkOptions('RMSprop', o, SPEC);
  const lr = o.lr ?? 1e-2;
  const alpha = o.alpha ?? 0.99;
  const eps = o.eps ?? 1e-8;
  const weight_decay = o.weight_decay ?? 0;
  const momentum = o.momentum ?? 0;
  if (!(0.0 <= lr)) throw valueError(`Invalid learning rate: ${pyNum(lr)}`);
  if (!(0.0 <= eps)) throw valueError(`Invalid epsilon value: ${pyNum(eps)}`);
  if (!(0.0 <= momentum)) throw valueError(`Invalid momentum value: ${pyNum(momentum)}`);
  if (!(0.0 <= weight_decay)) throw valueError(`Invalid weight_decay value: ${pyNum(weight_decay)}`);
  if (!(0.0 <= alpha)) throw valueError(`Invalid alpha value: ${pyNum(alpha)}`);
  const d: RMSpropDefaults = {
    lr,
    momentum,
    alpha,
    eps,
    centered: o.centered ?? false,
    weight_decay,
    foreach: o.foreach ?? null,
    maximize: o.maximize ?? false,
    differentiable: o.differentiable ?? false,
  };
  if (d.differentiable) throw notSupported('RMSprop(differentiable=True)');
  return d;
}

function stateTensor(s: RMSpropState, key: 'momentum_buffer' | 'grad_avg'): Handle {
  const t = s[key];
  // Python's KeyError when momentum/centered was turned on after the state was created.
  if (t === undefined) throw new TorchError(`'${key}'`, 'KeyError');
  return t._h;
}

export class RMSprop extends Optimizer<RMSpropDefaults, RMSpropState> {
  /** `new RMSprop(params)`, `new RMSprop(params, 1e-2, { momentum: 0.9 })` or `new RMSprop(params, { lr: 1e-2 })`. */
  constructor(params: ParamsInput<RMSpropDefaults>, lr?: number | RMSpropOptions, opts?: RMSpropOptions) {
    super(params, rmspropDefaults(lr, opts));
  }

  protected override _setstate(): void {
    this._groupDefaults({ momentum: 0, centered: false, foreach: null, maximize: false, differentiable: false });
  }

  protected _update(group: Group<RMSpropDefaults>): void {
    const { params, handles } = this._withGrad(group);
    const withMomentum = group.momentum > 0;
    const square_avgs: Handle[] = [];
    const grad_avgs: Handle[] = [];
    const bufs: Handle[] = [];
    for (const p of params) {
      let s = this.state.get(p);
      if (s === undefined || Object.keys(s).length === 0) {
        s = { step: 0, square_avg: keep(zeros_like(p)) };
        if (withMomentum) s.momentum_buffer = keep(zeros_like(p));
        if (group.centered) s.grad_avg = keep(zeros_like(p));
        this.state.set(p, s);
      }
      square_avgs.push(s.square_avg._h);
      if (withMomentum) bufs.push(stateTensor(s, 'momentum_buffer'));
      if (group.centered) grad_avgs.push(stateTensor(s, 'grad_avg'));
      s.step += 1;
    }
    N.optim_rmsprop_step(
      handles,
      square_avgs,
      grad_avgs,
      bufs,
      group.lr,
      group.alpha,
      group.eps,
      group.weight_decay,
      group.momentum,
      group.centered,
      group.maximize,
    );
  }
}
