/** torch.optim.SGD (PyTorch 1.13, torch/optim/sgd.py): momentum, dampening, Nesterov, weight decay, maximize. */
import { N, Handle } from '../native';
import { Tensor } from '../tensor';
import { keep } from '../scope';
import {
  DefaultsOf,
  Group,
  Optimizer,
  ParamsInput,
  checkOptions,
  mergeLr,
  notSupported,
  pyNum,
  required,
  valueError,
} from './optimizer';

export interface SGDDefaults {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
  /** Accepted for compatibility; the native loop is used either way (same math). */
  foreach: boolean | null;
  differentiable: boolean;
}
export type SGDOptions = Partial<SGDDefaults>;

/** `momentum_buffer` is null while momentum is 0, as Python stores None. */
export interface SGDState {
  momentum_buffer: Tensor | null;
}

const SPEC = {
  lr: 'float',
  momentum: 'float',
  dampening: 'float',
  weight_decay: 'float',
  nesterov: 'bool',
  maximize: 'bool',
  foreach: 'bool?',
  differentiable: 'bool',
} as const;

function sgdDefaults(lrOrOpts: number | SGDOptions | undefined, opts: SGDOptions | undefined): DefaultsOf<SGDDefaults> {
  const o = mergeLr('SGD', lrOrOpts, opts);
  checkOptions('SGD', o, SPEC);
  const lr = o.lr ?? required;
  const momentum = o.momentum ?? 0;
  const dampening = o.dampening ?? 0;
  const weight_decay = o.weight_decay ?? 0;
  const nesterov = o.nesterov ?? false;
  // Python's checks, in Python's order (NaN passes `x < 0.0`, as in Python).
  if (lr !== required && lr < 0.0) throw valueError(`Invalid learning rate: ${pyNum(lr)}`);
  if (momentum < 0.0) throw valueError(`Invalid momentum value: ${pyNum(momentum)}`);
  if (weight_decay < 0.0) throw valueError(`Invalid weight_decay value: ${pyNum(weight_decay)}`);
  const defaults: DefaultsOf<SGDDefaults> = {
    lr,
    momentum,
    dampening,
    weight_decay,
    nesterov,
    maximize: o.maximize ?? false,
    foreach: o.foreach ?? null,
    differentiable: o.differentiable ?? false,
  };
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw valueError('Nesterov momentum requires a momentum and zero dampening');
  }
  if (defaults.differentiable) throw notSupported('SGD(differentiable=True)');
  return defaults;
}

export class SGD extends Optimizer<SGDDefaults, SGDState> {
  /** `new SGD(params, 0.1, { momentum: 0.9 })` or `new SGD(params, { lr: 0.1, momentum: 0.9 })`; lr is required. */
  constructor(params: ParamsInput<SGDDefaults>, lr?: number | SGDOptions, opts?: SGDOptions) {
    super(params, sgdDefaults(lr, opts));
  }

  protected override _setstate(): void {
    this._groupDefaults({ nesterov: false, maximize: false, foreach: null, differentiable: false });
  }

  protected _update(group: Group<SGDDefaults>): void {
    const { params, handles } = this._withGrad(group);
    const bufs = params.map((p) => this.state.get(p)?.momentum_buffer?._h ?? null);
    const created: (Handle | null)[] = N.optim_sgd_step(
      handles,
      bufs,
      group.lr,
      group.momentum,
      group.dampening,
      group.weight_decay,
      group.nesterov,
      group.maximize,
    );
    // Python stores state['momentum_buffer'] for every parameter with a gradient (None without momentum).
    params.forEach((p, i) => {
      const h = created.length === 0 ? null : created[i];
      const s = this.state.get(p);
      if (h !== null) {
        const buf = keep(new Tensor(h));
        if (s === undefined) this.state.set(p, { momentum_buffer: buf });
        else s.momentum_buffer = buf;
      } else if (s === undefined) {
        this.state.set(p, { momentum_buffer: null });
      } else if (s.momentum_buffer === undefined) {
        s.momentum_buffer = null; // a loaded state without the key
      }
    });
  }
}
