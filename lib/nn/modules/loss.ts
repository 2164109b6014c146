/**
 * torch/nn/modules/loss.py: CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss,
 * BCELoss, BCEWithLogitsLoss, KLDivLoss. Each holds its settings and calls the functional loss.
 */
import { Tensor } from '../../tensor';
import * as F from '../functional';
import { Module } from './module';
import { bindArgs, PyArgs } from './utils';

type LossForward = (input: Tensor, target: Tensor) => Tensor;

/** torch.nn._reduction.legacy_get_string: the reduction the deprecated size_average/reduce pair means. */
function legacy_get_string(size_average: boolean | null, reduce: boolean | null, emit_warning = true): F.Reduction {
  const average = size_average ?? true;
  const red = reduce ?? true;
  const ret: F.Reduction = average && red ? 'mean' : red ? 'sum' : 'none';
  if (emit_warning) {
    const message = `size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`;
    process.emitWarning(message, 'UserWarning');
  }
  return ret;
}

interface LegacyArgs {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: F.Reduction;
}

/** Base of the losses: `reduction` ('mean', 'sum' or 'none'). */
export class _Loss extends Module<LossForward> {
  declare reduction: F.Reduction;

  constructor(size_average: boolean | null = null, reduce: boolean | null = null, reduction: F.Reduction = 'mean') {
    super();
    if (size_average !== null || reduce !== null) this.reduction = legacy_get_string(size_average, reduce);
    else this.reduction = reduction;
  }
}

/** A loss with an optional per-class `weight` buffer. */
export class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;

  constructor(
    weight: Tensor | null = null,
    size_average: boolean | null = null,
    reduce: boolean | null = null,
    reduction: F.Reduction = 'mean',
  ) {
    super(size_average, reduce, reduction);
    this.register_buffer('weight', weight);
  }
}

const LEGACY_SPEC = [
  ['size_average', null],
  ['reduce', null],
  ['reduction', 'mean'],
] as const;

/** Mean (or sum) absolute error. */
export class L1Loss extends _Loss {
  constructor(...args: PyArgs<LegacyArgs, ['size_average', 'reduce', 'reduction']>) {
    const o = bindArgs<Required<LegacyArgs>>('L1Loss.__init__', LEGACY_SPEC, args);
    super(o.size_average, o.reduce, o.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1_loss(input, target, { reduction: this.reduction });
  }
}

/** Mean (or sum) squared error. */
export class MSELoss extends _Loss {
  constructor(...args: PyArgs<LegacyArgs, ['size_average', 'reduce', 'reduction']>) {
    const o = bindArgs<Required<LegacyArgs>>('MSELoss.__init__', LEGACY_SPEC, args);
    super(o.size_average, o.reduce, o.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mse_loss(input, target, { reduction: this.reduction });
  }
}

interface NLLLossArgs extends LegacyArgs {
  weight?: Tensor | null;
  ignore_index?: number;
}

/** Negative log likelihood of log-probabilities for class-index targets. */
export class NLLLoss extends _WeightedLoss {
  declare ignore_index: number;

  constructor(...args: PyArgs<NLLLossArgs, ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction']>) {
    const o = bindArgs<Required<NLLLossArgs>>(
      'NLLLoss.__init__',
      [
        ['weight', null],
        ['size_average', null],
        ['ignore_index', -100],
        ['reduce', null],
        ['reduction', 'mean'],
      ],
      args,
    );
    super(o.weight, o.size_average, o.reduce, o.reduction);
    this.ignore_index = o.ignore_index;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignore_index, reduction } = this;
    return F.nll_loss(input, target, { weight, ignore_index, reduction });
  }
}

interface CrossEntropyLossArgs extends NLLLossArgs {
  label_smoothing?: number;
}

/** log_softmax + NLLLoss; targets are class indices or class probabilities. */
export class CrossEntropyLoss extends _WeightedLoss {
  declare ignore_index: number;
  declare label_smoothing: number;

  constructor(
    ...args: PyArgs<
      CrossEntropyLossArgs,
      ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing']
    >
  ) {
    const o = bindArgs<Required<CrossEntropyLossArgs>>(
      'CrossEntropyLoss.__init__',
      [
        ['weight', null],
        ['size_average', null],
        ['ignore_index', -100],
        ['reduce', null],
        ['reduction', 'mean'],
        ['label_smoothing', 0.0],
      ],
      args,
    );
    super(o.weight, o.size_average, o.reduce, o.reduction);
    this.ignore_index = o.ignore_index;
    this.label_smoothing = o.label_smoothing;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.cross_entropy(input, target, {
      weight: this.weight,
      ignore_index: this.ignore_index,
      reduction: this.reduction,
      label_smoothing: this.label_smoothing,
    });
  }
}

interface SmoothL1LossArgs extends LegacyArgs {
  beta?: number;
}

/** Squared error below beta, absolute error above. */
export class SmoothL1Loss extends _Loss {
  declare beta: number;

  constructor(...args: PyArgs<SmoothL1LossArgs, ['size_average', 'reduce', 'reduction', 'beta']>) {
    const o = bindArgs<Required<SmoothL1LossArgs>>('SmoothL1Loss.__init__', [...LEGACY_SPEC, ['beta', 1.0]], args);
    super(o.size_average, o.reduce, o.reduction);
    this.beta = o.beta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smooth_l1_loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Squared error below delta, delta-scaled absolute error above. */
export class HuberLoss extends _Loss {
  declare delta: number;

  constructor(...args: PyArgs<{ reduction?: F.Reduction; delta?: number }, ['reduction', 'delta']>) {
    const spec = [
      ['reduction', 'mean'],
      ['delta', 1.0],
    ] as const;
    const o = bindArgs<{ reduction: F.Reduction; delta: number }>('HuberLoss.__init__', spec, args);
    super(null, null, o.reduction);
    this.delta = o.delta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huber_loss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

interface BCELossArgs extends LegacyArgs {
  weight?: Tensor | null;
}

/** Binary cross entropy of probabilities. */
export class BCELoss extends _WeightedLoss {
  constructor(...args: PyArgs<BCELossArgs, ['weight', 'size_average', 'reduce', 'reduction']>) {
    const o = bindArgs<Required<BCELossArgs>>('BCELoss.__init__', [['weight', null], ...LEGACY_SPEC], args);
    super(o.weight, o.size_average, o.reduce, o.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

interface BCEWithLogitsLossArgs extends BCELossArgs {
  pos_weight?: Tensor | null;
}

/** Sigmoid + binary cross entropy in one numerically stable op; pos_weight weighs positives. */
export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;

  constructor(...args: PyArgs<BCEWithLogitsLossArgs, ['weight', 'size_average', 'reduce', 'reduction', 'pos_weight']>) {
    const o = bindArgs<Required<BCEWithLogitsLossArgs>>(
      'BCEWithLogitsLoss.__init__',
      [['weight', null], ...LEGACY_SPEC, ['pos_weight', null]],
      args,
    );
    super(o.size_average, o.reduce, o.reduction);
    this.register_buffer('weight', o.weight);
    this.register_buffer('pos_weight', o.pos_weight);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy_with_logits(input, target, this.weight, {
      pos_weight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

interface KLDivLossArgs extends Omit<LegacyArgs, 'reduction'> {
  reduction?: F.Reduction | 'batchmean';
  log_target?: boolean;
}

/** Kullback-Leibler divergence of log-probabilities `input` from `target`. */
export class KLDivLoss extends Module<LossForward> {
  declare reduction: F.Reduction | 'batchmean';
  declare log_target: boolean;

  constructor(...args: PyArgs<KLDivLossArgs, ['size_average', 'reduce', 'reduction', 'log_target']>) {
    super();
    const o = bindArgs<Required<KLDivLossArgs>>('KLDivLoss.__init__', [...LEGACY_SPEC, ['log_target', false]], args);
    // _Loss.__init__, with 'batchmean' allowed.
    if (o.size_average !== null || o.reduce !== null) this.reduction = legacy_get_string(o.size_average, o.reduce);
    else this.reduction = o.reduction;
    this.log_target = o.log_target;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.kl_div(input, target, { reduction: this.reduction, log_target: this.log_target });
  }
}
