/** torch/nn/modules/normalization.py: LayerNorm, GroupNorm. */
import { empty } from '../../creation';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import * as F from '../functional';
import * as init from '../init';
import { Parameter } from '../parameter';
import { Module } from './module';
import { bindArgs, FactoryKwargs, formatFields, PyArgs, REQUIRED, valueError } from './utils';

interface LayerNormArgs extends FactoryKwargs {
  normalized_shape: number | readonly number[];
  eps?: number;
  elementwise_affine?: boolean;
}

/** Normalizes over the trailing `normalized_shape` dimensions of each sample. */
export class LayerNorm extends Module<(input: Tensor) => Tensor> {
  declare normalized_shape: number[];
  declare eps: number;
  declare elementwise_affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(...args: PyArgs<LayerNormArgs, ['normalized_shape', 'eps', 'elementwise_affine', 'device', 'dtype']>) {
    super();
    const o = bindArgs<Required<LayerNormArgs>>(
      'LayerNorm.__init__',
      [
        ['normalized_shape', REQUIRED],
        ['eps', 1e-5],
        ['elementwise_affine', true],
        ['device', null],
        ['dtype', null],
      ],
      args,
    );
    const factory_kwargs = { device: o.device, dtype: o.dtype };
    // An int means a 1-tuple; kept as a tuple (printed `(10,)`).
    this.normalized_shape = typeof o.normalized_shape === 'number' ? [o.normalized_shape] : [...o.normalized_shape];
    this.eps = o.eps;
    this.elementwise_affine = o.elementwise_affine;
    if (this.elementwise_affine) {
      this.weight = new Parameter(empty(this.normalized_shape, factory_kwargs));
      this.bias = new Parameter(empty(this.normalized_shape, factory_kwargs));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (this.elementwise_affine) {
      init.ones_(this.weight as Parameter);
      init.zeros_(this.bias as Parameter);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.layer_norm(input, this.normalized_shape, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return formatFields('{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}', this);
  }
}

interface GroupNormArgs extends FactoryKwargs {
  num_groups: number;
  num_channels: number;
  eps?: number;
  affine?: boolean;
}

/** Normalizes each sample over groups of channels (and their spatial extent). */
export class GroupNorm extends Module<(input: Tensor) => Tensor> {
  declare num_groups: number;
  declare num_channels: number;
  declare eps: number;
  declare affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(...args: PyArgs<GroupNormArgs, ['num_groups', 'num_channels', 'eps', 'affine', 'device', 'dtype']>) {
    super();
    const o = bindArgs<Required<GroupNormArgs>>(
      'GroupNorm.__init__',
      [
        ['num_groups', REQUIRED],
        ['num_channels', REQUIRED],
        ['eps', 1e-5],
        ['affine', true],
        ['device', null],
        ['dtype', null],
      ],
      args,
    );
    const factory_kwargs = { device: o.device, dtype: o.dtype };
    if (o.num_groups === 0) throw new TorchError('integer modulo by zero', 'ZeroDivisionError');
    if (o.num_channels % o.num_groups !== 0) throw valueError('num_channels must be divisible by num_groups');
    this.num_groups = o.num_groups;
    this.num_channels = o.num_channels;
    this.eps = o.eps;
    this.affine = o.affine;
    if (this.affine) {
      this.weight = new Parameter(empty(o.num_channels, factory_kwargs));
      this.bias = new Parameter(empty(o.num_channels, factory_kwargs));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (this.affine) {
      init.ones_(this.weight as Parameter);
      init.zeros_(this.bias as Parameter);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.group_norm(input, this.num_groups, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return formatFields('{num_groups}, {num_channels}, eps={eps}, affine={affine}', this);
  }
}
