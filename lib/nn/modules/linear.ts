/** torch/nn/modules/linear.py: Identity, Linear, Bilinear. */
import { empty } from '../../creation';
import { Tensor } from '../../tensor';
import * as F from '../functional';
import * as init from '../init';
import { Parameter } from '../parameter';
import { Module } from './module';
import { bindArgs, FactoryKwargs, PyArgs, pyRepr, REQUIRED } from './utils';

/** Returns its input; takes and ignores any arguments (a placeholder layer). */
export class Identity extends Module<(input: Tensor) => Tensor> {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input;
  }
}

interface LinearArgs extends FactoryKwargs {
  in_features: number;
  out_features: number;
  bias?: boolean;
}

/** y = x W^T + b, with W of shape (out_features, in_features). */
export class Linear extends Module<(input: Tensor) => Tensor> {
  declare in_features: number;
  declare out_features: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(...args: PyArgs<LinearArgs, ['in_features', 'out_features', 'bias', 'device', 'dtype']>) {
    super();
    const o = bindArgs<Required<LinearArgs>>(
      'Linear.__init__',
      [
        ['in_features', REQUIRED],
        ['out_features', REQUIRED],
        ['bias', true],
        ['device', null],
        ['dtype', null],
      ],
      args,
    );
    const factory_kwargs = { device: o.device, dtype: o.dtype };
    this.in_features = o.in_features;
    this.out_features = o.out_features;
    this.weight = new Parameter(empty([o.out_features, o.in_features], factory_kwargs));
    if (o.bias) this.bias = new Parameter(empty(o.out_features, factory_kwargs));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  /** kaiming_uniform_(a=sqrt(5)) for the weight, then U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias. */
  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fan_in] = init._calculate_fan_in_and_fan_out(this.weight);
      const bound = fan_in > 0 ? 1 / Math.sqrt(fan_in) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${pyRepr(this.bias !== null)}`;
  }
}

interface BilinearArgs extends FactoryKwargs {
  in1_features: number;
  in2_features: number;
  out_features: number;
  bias?: boolean;
}

/** y = x1^T A x2 + b, with A of shape (out_features, in1_features, in2_features). */
export class Bilinear extends Module<(input1: Tensor, input2: Tensor) => Tensor> {
  declare in1_features: number;
  declare in2_features: number;
  declare out_features: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(
    ...args: PyArgs<BilinearArgs, ['in1_features', 'in2_features', 'out_features', 'bias', 'device', 'dtype']>
  ) {
    super();
    const o = bindArgs<Required<BilinearArgs>>(
      'Bilinear.__init__',
      [
        ['in1_features', REQUIRED],
        ['in2_features', REQUIRED],
        ['out_features', REQUIRED],
        ['bias', true],
        ['device', null],
        ['dtype', null],
      ],
      args,
    );
    const factory_kwargs = { device: o.device, dtype: o.dtype };
    this.in1_features = o.in1_features;
    this.in2_features = o.in2_features;
    this.out_features = o.out_features;
    this.weight = new Parameter(empty([o.out_features, o.in1_features, o.in2_features], factory_kwargs));
    if (o.bias) this.bias = new Parameter(empty(o.out_features, factory_kwargs));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  reset_parameters(): void {
    const bound = 1 / Math.sqrt(this.weight.size(1));
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extra_repr(): string {
    return (
      `in1_features=${this.in1_features}, in2_features=${this.in2_features}, ` +
      `out_features=${this.out_features}, bias=${pyRepr(this.bias !== null)}`
    );
  }
}
