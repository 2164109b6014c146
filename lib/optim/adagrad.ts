/** torch.optim.Adagrad (PyTorch 1.13, torch/optim/adagrad.py): lr_decay, weight decay, initial accumulator. */
import { N, Handle } from '../native';
import { Tensor } from '../tensor';
import { keep } from '../scope';
import { full_like, zeros } from '../creation';
import { stepsToTensors } from './adam';
import { DefaultsOf, Group, Optimizer, ParamsInput, checkOptions, mergeLr, pyNum, valueError } from './optimizer';

export interface AdagradDefaults {
  lr: number;
  lr_decay: number;
  eps: number;
  weight_decay: number;
  initial_accumulator_value: number;
  /** Accepted for compatibility; the native loop is used either way (same math). */
  foreach: boolean | null;
  maximize: boolean;
}
export type AdagradOptions = Partial<AdagradDefaults>;

/** `step` is a float32 0-dim tensor in 1.13; state exists for every parameter from construction on. */
export interface AdagradState {
  step: Tensor;
  sum: Tensor;
}

const SPEC = {
  lr: 'float',
  lr_decay: 'float',
  weight_decay: 'float',
  initial_accumulator_value: 'float',
  eps: 'float',
  foreach: 'bool?',
  maximize: 'bool',
} as const;

function adagradDefaults(
  lrOrOpts: number | AdagradOptions | undefined,
  opts?: AdagradOptions,
): DefaultsOf<AdagradDefaults> {
  const o = mergeLr('Adagrad', lrOrOpts, opts);
  checkOptions('Adagrad', o, SPEC);
  const d: AdagradDefaults = {
    lr: o.lr ?? 1e-2,
    lr_decay: o.lr_decay ?? 0,
    eps: o.eps ?? 1e-10,
    weight_decay: o.weight_decay ?? 0,
    initial_accumulator_value: o.initial_accumulator_value ?? 0,
    foreach: o.foreach ?? null,
    maximize: o.maximize ?? false,
  };
  if (!(0.0 <= d.lr)) throw valueError(`Invalid learning rate: ${pyNum(d.lr)}`);
  if (!(0.0 <= d.lr_decay)) throw valueError(`Invalid lr_decay value: ${pyNum(d.lr_decay)}`);
  if (!(0.0 <= d.weight_decay)) throw valueError(`Invalid weight_decay value: ${pyNum(d.weight_decay)}`);
  if (!(0.0 <= d.initial_accumulator_value)) {
    throw valueError(`Invalid initial_accumulator_value value: ${pyNum(d.initial_accumulator_value)}`);
  }
  if (!(0.0 <= d.eps)) throw valueError(`Invalid epsilon value: ${pyNum(d.eps)}`);
  return d;
}

export class Adagrad extends Optimizer<AdagradDefaults, AdagradState> {
  /** `new Adagrad(params)`, `new Adagrad(params, 1e-2, { lr_decay: 1e-3 })` or `new Adagrad(params, { lr: 1e-2 })`. */
  constructor(params: ParamsInput<AdagradDefaults>, lr?: number | AdagradOptions, opts?: AdagradOptions) {
    super(params, adagradDefaults(lr, opts));
    // Python initializes the state of every parameter here, with the constructor's
    // initial_accumulator_value (a group's own value is not used in 1.13).
    const init = this.defaults.initial_accumulator_value;
    for (const group of this.param_groups) for (const p of group.params) this._initState(p, init);
  }

  private _initState(p: Tensor, initial_accumulator_value: number): AdagradState {
    const s = { step: keep(zeros([])), sum: keep(full_like(p, initial_accumulator_value)) };
    this.state.set(p, s);
    return s;
  }

  protected override _setstate(): void {
    this._groupDefaults({ foreach: null, maximize: false });
    stepsToTensors(this.state);
  }

  protected _update(group: Group<AdagradDefaults>): void {
    const { params, handles } = this._withGrad(group);
    const sums: Handle[] = [];
    const steps: Handle[] = [];
    for (const p of params) {
      // Groups added after construction have no state in Python (a KeyError there); initialize it instead.
      const s = this.state.get(p) ?? this._initState(p, group.initial_accumulator_value);
      sums.push(s.sum._h);
      steps.push(s.step._h);
    }
    N.optim_adagrad_step(handles, sums, steps, group.lr, group.weight_decay, group.lr_decay, group.eps, group.maximize);
  }
}
