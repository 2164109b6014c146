/** torch/nn/modules/dropout.py: Dropout, Dropout2d. */
import { Tensor } from '../../tensor';
import * as F from '../functional';
import { Module } from './module';
import { bindArgs, PyArgs, pyStr, valueError } from './utils';

interface DropoutArgs {
  p?: number;
  inplace?: boolean;
}

/** Base of the dropout layers: the probability check and the printed settings. */
export class _DropoutNd extends Module<(input: Tensor) => Tensor> {
  declare p: number;
  declare inplace: boolean;

  constructor(...args: PyArgs<DropoutArgs, ['p', 'inplace']>) {
    super();
    const o = bindArgs<Required<DropoutArgs>>(
      '_DropoutNd.__init__',
      [
        ['p', 0.5],
        ['inplace', false],
      ],
      args,
    );
    if (o.p < 0 || o.p > 1) throw valueError(`dropout probability has to be between 0 and 1, but got ${pyStr(o.p)}`);
    this.p = o.p;
    this.inplace = o.inplace;
  }

  override extra_repr(): string {
    return `p=${pyStr(this.p)}, inplace=${pyStr(this.inplace)}`;
  }
}

/** Zeroes each element with probability p in training and scales the rest by 1/(1-p); identity in eval. */
export class Dropout extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of (N, C, H, W) inputs with probability p in training. */
export class Dropout2d extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training, this.inplace);
  }
}
