/**
 * torch/nn/modules/activation.py: ReLU, ReLU6, Hardtanh, LeakyReLU, ELU, GELU, SiLU, Mish,
 * Hardswish, Sigmoid, Tanh, Softmax, LogSoftmax.
 */
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import * as F from '../functional';
import { Module } from './module';
import { bindArgs, PyArgs, pyFloat, pyRepr, pyStr } from './utils';

/** `, inplace=True` only when set, as PyTorch prints it. */
function inplaceSuffix(inplace: boolean, lead: string): string {
  return inplace ? `${lead}inplace=True` : '';
}

/** A number Python holds as a float when it took its float default (`alpha=1.` prints `1.0`). */
function floatIfDefault(v: number, defaulted: boolean): string {
  return defaulted ? pyFloat(v) : pyStr(v);
}

/** Base of the activations that take only `inplace`. */
class _InplaceActivation extends Module<(input: Tensor) => Tensor> {
  declare inplace: boolean;

  constructor(qualname: string, args: readonly unknown[]) {
    super();
    this.inplace = bindArgs<{ inplace: boolean }>(qualname, [['inplace', false]], args).inplace;
  }

  override extra_repr(): string {
    return inplaceSuffix(this.inplace, '');
  }
}

/** max(0, x). */
export class ReLU extends _InplaceActivation {
  constructor(...args: PyArgs<{ inplace?: boolean }, ['inplace']>) {
    super('ReLU.__init__', args);
  }

  override forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
}

interface HardtanhArgs {
  min_val?: number;
  max_val?: number;
  inplace?: boolean;
  min_value?: number | null;
  max_value?: number | null;
}

/** Clamps to [min_val, max_val]. */
export class Hardtanh extends Module<(input: Tensor) => Tensor> {
  declare min_val: number;
  declare max_val: number;
  declare inplace: boolean;
  /** @internal Which of min_val/max_val took their float defaults (for Python's repr). */
  declare _float_defaults: string[];

  constructor(...args: PyArgs<HardtanhArgs, ['min_val', 'max_val', 'inplace', 'min_value', 'max_value']>) {
    super();
    const defaulted = new Set<string>();
    const o = bindArgs<Required<HardtanhArgs>>(
      'Hardtanh.__init__',
      [
        ['min_val', -1],
        ['max_val', 1],
        ['inplace', false],
        ['min_value', null],
        ['max_value', null],
      ],
      args,
      defaulted,
    );
    let { min_val, max_val } = o;
    if (o.min_value !== null) {
      process.emitWarning('keyword argument min_value is deprecated and rename to min_val', 'UserWarning');
      min_val = o.min_value;
      defaulted.delete('min_val');
    }
    if (o.max_value !== null) {
      process.emitWarning('keyword argument max_value is deprecated and rename to max_val', 'UserWarning');
      max_val = o.max_value;
      defaulted.delete('max_val');
    }
    this.min_val = min_val;
    this.max_val = max_val;
    this.inplace = o.inplace;
    this._float_defaults = ['min_val', 'max_val'].filter((n) => defaulted.has(n));
    if (!(this.max_val > this.min_val)) throw new TorchError('', 'AssertionError');
  }

  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.min_val, this.max_val, this.inplace);
  }

  override extra_repr(): string {
    const min = floatIfDefault(this.min_val, this._float_defaults.includes('min_val'));
    const max = floatIfDefault(this.max_val, this._float_defaults.includes('max_val'));
    return `min_val=${min}, max_val=${max}${inplaceSuffix(this.inplace, ', ')}`;
  }
}

/** min(max(0, x), 6). */
export class ReLU6 extends Hardtanh {
  constructor(...args: PyArgs<{ inplace?: boolean }, ['inplace']>) {
    const o = bindArgs<{ inplace: boolean }>('ReLU6.__init__', [['inplace', false]], args);
    super(0, 6, o.inplace);
  }

  override extra_repr(): string {
    return inplaceSuffix(this.inplace, '');
  }
}

/** x for x >= 0, negative_slope * x otherwise. */
export class LeakyReLU extends Module<(input: Tensor) => Tensor> {
  declare negative_slope: number;
  declare inplace: boolean;

  constructor(...args: PyArgs<{ negative_slope?: number; inplace?: boolean }, ['negative_slope', 'inplace']>) {
    super();
    const o = bindArgs<{ negative_slope: number; inplace: boolean }>(
      'LeakyReLU.__init__',
      [
        ['negative_slope', 1e-2],
        ['inplace', false],
      ],
      args,
    );
    this.negative_slope = o.negative_slope;
    this.inplace = o.inplace;
  }

  override forward(input: Tensor): Tensor {
    return F.leaky_relu(input, this.negative_slope, this.inplace);
  }

  override extra_repr(): string {
    return `negative_slope=${pyStr(this.negative_slope)}${inplaceSuffix(this.inplace, ', ')}`;
  }
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export class ELU extends Module<(input: Tensor) => Tensor> {
  declare alpha: number;
  declare inplace: boolean;
  /** @internal alpha took its float default `1.` (printed `1.0`). */
  declare _alpha_is_float: boolean;

  constructor(...args: PyArgs<{ alpha?: number; inplace?: boolean }, ['alpha', 'inplace']>) {
    super();
    const defaulted = new Set<string>();
    const spec = [
      ['alpha', 1],
      ['inplace', false],
    ] as const;
    const o = bindArgs<{ alpha: number; inplace: boolean }>('ELU.__init__', spec, args, defaulted);
    this.alpha = o.alpha;
    this.inplace = o.inplace;
    this._alpha_is_float = defaulted.has('alpha');
  }

  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, this.inplace);
  }

  override extra_repr(): string {
    return `alpha=${floatIfDefault(this.alpha, this._alpha_is_float)}${inplaceSuffix(this.inplace, ', ')}`;
  }
}

/** x * Phi(x), exactly or with the tanh approximation. */
export class GELU extends Module<(input: Tensor) => Tensor> {
  declare approximate: 'none' | 'tanh';

  constructor(...args: PyArgs<{ approximate?: 'none' | 'tanh' }, ['approximate']>) {
    super();
    const o = bindArgs<{ approximate: 'none' | 'tanh' }>('GELU.__init__', [['approximate', 'none']], args);
    this.approximate = o.approximate;
  }

  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  override extra_repr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

/** x * sigmoid(x). */
export class SiLU extends _InplaceActivation {
  constructor(...args: PyArgs<{ inplace?: boolean }, ['inplace']>) {
    super('SiLU.__init__', args);
  }

  override forward(input: Tensor): Tensor {
    return F.silu(input, { inplace: this.inplace });
  }
}

/** x * tanh(softplus(x)). */
export class Mish extends _InplaceActivation {
  constructor(...args: PyArgs<{ inplace?: boolean }, ['inplace']>) {
    super('Mish.__init__', args);
  }

  override forward(input: Tensor): Tensor {
    return F.mish(input, { inplace: this.inplace });
  }
}

/** x * relu6(x + 3) / 6. PyTorch prints no settings for it. */
export class Hardswish extends _InplaceActivation {
  constructor(...args: PyArgs<{ inplace?: boolean }, ['inplace']>) {
    super('Hardswish.__init__', args);
  }

  override forward(input: Tensor): Tensor {
    return F.hardswish(input, this.inplace);
  }

  override extra_repr(): string {
    return '';
  }
}

/** 1 / (1 + exp(-x)). */
export class Sigmoid extends Module<(input: Tensor) => Tensor> {
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

/** tanh(x). */
export class Tanh extends Module<(input: Tensor) => Tensor> {
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

/** Base of Softmax and LogSoftmax: `dim` (null picks PyTorch's legacy implicit dimension). */
class _SoftmaxBase extends Module<(input: Tensor) => Tensor> {
  declare dim: number | null;

  constructor(qualname: string, args: readonly unknown[]) {
    super();
    this.dim = bindArgs<{ dim: number | null }>(qualname, [['dim', null]], args).dim;
  }

  override extra_repr(): string {
    return `dim=${pyStr(this.dim)}`;
  }
}

/** exp(x_i) / sum_j exp(x_j) along dim. */
export class Softmax extends _SoftmaxBase {
  constructor(...args: PyArgs<{ dim?: number | null }, ['dim']>) {
    super('Softmax.__init__', args);
  }

  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim, 5);
  }
}

/** log(softmax(x)) along dim, computed stably. */
export class LogSoftmax extends _SoftmaxBase {
  constructor(...args: PyArgs<{ dim?: number | null }, ['dim']>) {
    super('LogSoftmax.__init__', args);
  }

  override forward(input: Tensor): Tensor {
    return F.log_softmax(input, this.dim, 5);
  }
}
