/** torch/nn/modules/conv.py: Conv1d, Conv2d, ConvTranspose2d. */
import { empty } from '../../creation';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import * as F from '../functional';
import * as init from '../init';
import { Parameter } from '../parameter';
import { AnyForward, Module } from './module';
import {
  _pair,
  _reverse_repeat_tuple,
  _single,
  bindArgs,
  FactoryKwargs,
  formatFields,
  PyArgs,
  REQUIRED,
  SizeArg,
  valueError,
} from './utils';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Base of the convolutions: checks, parameters, initialization and the printed settings. */
export class _ConvNd<Fwd extends AnyForward = (input: Tensor) => Tensor> extends Module<Fwd> {
  declare in_channels: number;
  declare out_channels: number;
  declare kernel_size: number[];
  declare stride: number[];
  declare padding: number[] | 'same' | 'valid';
  declare dilation: number[];
  declare transposed: boolean;
  declare output_padding: number[];
  declare groups: number;
  declare padding_mode: PaddingMode;
  /** F.pad's padding for padding_mode != 'zeros' (last dimension first). */
  declare _reversed_padding_repeated_twice: number[];
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(
    in_channels: number,
    out_channels: number,
    kernel_size: number[],
    stride: number[],
    padding: number[] | string,
    dilation: number[],
    transposed: boolean,
    output_padding: number[],
    groups: number,
    bias: boolean,
    padding_mode: string,
    device: FactoryKwargs['device'] = null,
    dtype: FactoryKwargs['dtype'] = null,
  ) {
    super();
    const factory_kwargs = { device, dtype };
    if (groups <= 0) throw valueError('groups must be a positive integer');
    if (in_channels % groups !== 0) throw valueError('in_channels must be divisible by groups');
    if (out_channels % groups !== 0) throw valueError('out_channels must be divisible by groups');
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw valueError(`Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
      }
      if (padding === 'same' && stride.some((s) => s !== 1)) {
        throw valueError("padding='same' is not supported for strided convolutions");
      }
    }
    const valid_padding_modes = ['zeros', 'reflect', 'replicate', 'circular'];
    if (!valid_padding_modes.includes(padding_mode)) {
      throw valueError(
        "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, " +
          `but got padding_mode='${padding_mode}'`,
      );
    }
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = kernel_size;
    this.stride = stride;
    this.padding = padding as number[] | 'same' | 'valid';
    this.dilation = dilation;
    this.transposed = transposed;
    this.output_padding = output_padding;
    this.groups = groups;
    this.padding_mode = padding_mode as PaddingMode;
    if (typeof padding === 'string') {
      this._reversed_padding_repeated_twice = Array<number>(2 * kernel_size.length).fill(0);
      if (padding === 'same') {
        // Odd total padding puts the extra element on the right, as PyTorch does.
        for (let i = kernel_size.length - 1, j = 0; i >= 0; i--, j++) {
          const total_padding = dilation[j] * (kernel_size[j] - 1);
          const left_pad = Math.floor(total_padding / 2);
          this._reversed_padding_repeated_twice[2 * i] = left_pad;
          this._reversed_padding_repeated_twice[2 * i + 1] = total_padding - left_pad;
        }
      }
    } else {
      this._reversed_padding_repeated_twice = _reverse_repeat_tuple(padding, 2);
    }
    const shape = transposed
      ? [in_channels, Math.floor(out_channels / groups), ...kernel_size]
      : [out_channels, Math.floor(in_channels / groups), ...kernel_size];
    this.weight = new Parameter(empty(shape, factory_kwargs));
    if (bias) this.bias = new Parameter(empty(out_channels, factory_kwargs));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  /**
   * kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight (see
   * https://github.com/pytorch/pytorch/issues/57109), and the same bound for the bias.
   */
  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fan_in] = init._calculate_fan_in_and_fan_out(this.weight);
      if (fan_in !== 0) {
        const bound = 1 / Math.sqrt(fan_in);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extra_repr(): string {
    const allAre = (t: readonly number[] | string, v: number) => typeof t !== 'string' && t.every((x) => x === v);
    let s = '{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}';
    if (!allAre(this.padding, 0)) s += ', padding={padding}';
    if (!allAre(this.dilation, 1)) s += ', dilation={dilation}';
    if (!allAre(this.output_padding, 0)) s += ', output_padding={output_padding}';
    if (this.groups !== 1) s += ', groups={groups}';
    if (this.bias === null) s += ', bias=False';
    if (this.padding_mode !== 'zeros') s += ', padding_mode={padding_mode}';
    return formatFields(s, this);
  }
}

interface ConvArgs extends FactoryKwargs {
  in_channels: number;
  out_channels: number;
  kernel_size: SizeArg;
  stride?: SizeArg;
  padding?: SizeArg | 'same' | 'valid';
  dilation?: SizeArg;
  groups?: number;
  bias?: boolean;
  padding_mode?: PaddingMode;
}
type ConvNames = [
  'in_channels',
  'out_channels',
  'kernel_size',
  'stride',
  'padding',
  'dilation',
  'groups',
  'bias',
  'padding_mode',
  'device',
  'dtype',
];
const CONV_SPEC = [
  ['in_channels', REQUIRED],
  ['out_channels', REQUIRED],
  ['kernel_size', REQUIRED],
  ['stride', 1],
  ['padding', 0],
  ['dilation', 1],
  ['groups', 1],
  ['bias', true],
  ['padding_mode', 'zeros'],
  ['device', null],
  ['dtype', null],
] as const;

/** 1-D convolution over (N, C_in, L) inputs. */
export class Conv1d extends _ConvNd {
  constructor(...args: PyArgs<ConvArgs, ConvNames>) {
    const o = bindArgs<Required<ConvArgs>>('Conv1d.__init__', CONV_SPEC, args);
    const padding_ = typeof o.padding === 'string' ? o.padding : _single(o.padding);
    super(
      o.in_channels,
      o.out_channels,
      _single(o.kernel_size),
      _single(o.stride),
      padding_,
      _single(o.dilation),
      false,
      _single(0),
      o.groups,
      o.bias,
      o.padding_mode,
      o.device,
      o.dtype,
    );
  }

  _conv_forward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    if (this.padding_mode !== 'zeros') {
      const padded = F.pad(input, this._reversed_padding_repeated_twice, { mode: this.padding_mode });
      return F.conv1d(padded, weight, bias, this.stride, _single(0), this.dilation, this.groups);
    }
    return F.conv1d(input, weight, bias, this.stride, this.padding, this.dilation, this.groups);
  }

  override forward(input: Tensor): Tensor {
    return this._conv_forward(input, this.weight, this.bias);
  }
}

/** 2-D convolution over (N, C_in, H, W) inputs. */
export class Conv2d extends _ConvNd {
  constructor(...args: PyArgs<ConvArgs, ConvNames>) {
    const o = bindArgs<Required<ConvArgs>>('Conv2d.__init__', CONV_SPEC, args);
    const padding_ = typeof o.padding === 'string' ? o.padding : _pair(o.padding);
    super(
      o.in_channels,
      o.out_channels,
      _pair(o.kernel_size),
      _pair(o.stride),
      padding_,
      _pair(o.dilation),
      false,
      _pair(0),
      o.groups,
      o.bias,
      o.padding_mode,
      o.device,
      o.dtype,
    );
  }

  _conv_forward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    if (this.padding_mode !== 'zeros') {
      const padded = F.pad(input, this._reversed_padding_repeated_twice, { mode: this.padding_mode });
      return F.conv2d(padded, weight, bias, this.stride, _pair(0), this.dilation, this.groups);
    }
    return F.conv2d(input, weight, bias, this.stride, this.padding, this.dilation, this.groups);
  }

  override forward(input: Tensor): Tensor {
    return this._conv_forward(input, this.weight, this.bias);
  }
}

type ConvTransposeForward = (input: Tensor, output_size?: readonly number[] | null) => Tensor;

/** Base of the transposed convolutions: only zero padding, and output_size -> output_padding. */
export class _ConvTransposeNd extends _ConvNd<ConvTransposeForward> {
  constructor(
    in_channels: number,
    out_channels: number,
    kernel_size: number[],
    stride: number[],
    padding: number[],
    dilation: number[],
    transposed: boolean,
    output_padding: number[],
    groups: number,
    bias: boolean,
    padding_mode: string,
    device: FactoryKwargs['device'] = null,
    dtype: FactoryKwargs['dtype'] = null,
  ) {
    if (padding_mode !== 'zeros') throw valueError(`Only "zeros" padding mode is supported for ${new.target.name}`);
    super(
      in_channels,
      out_channels,
      kernel_size,
      stride,
      padding,
      dilation,
      transposed,
      output_padding,
      groups,
      bias,
      padding_mode,
      device,
      dtype,
    );
  }

  /** The output_padding that makes the output `output_size` (checked against the valid range). */
  _output_padding(
    input: Tensor,
    output_size: readonly number[] | null | undefined,
    stride: number[],
    padding: number[],
    kernel_size: number[],
    num_spatial_dims: number,
    dilation: number[] | null = null,
  ): number[] {
    if (output_size === null || output_size === undefined) return _single(this.output_padding);
    const has_batch_dim = input.dim() === num_spatial_dims + 2;
    const num_non_spatial_dims = has_batch_dim ? 2 : 1;
    let size = [...output_size];
    if (size.length === num_non_spatial_dims + num_spatial_dims) size = size.slice(num_non_spatial_dims);
    if (size.length !== num_spatial_dims) {
      throw valueError(
        `ConvTranspose${num_spatial_dims}D: for ${input.dim()}D input, output_size must have ${num_spatial_dims} ` +
          `or ${num_non_spatial_dims + num_spatial_dims} elements (got ${output_size.length})`,
      );
    }
    const min_sizes: number[] = [];
    const max_sizes: number[] = [];
    for (let d = 0; d < num_spatial_dims; d++) {
      const dim_size =
        (input.size(d + num_non_spatial_dims) - 1) * stride[d] -
        2 * padding[d] +
        (dilation !== null ? dilation[d] : 1) * (kernel_size[d] - 1) +
        1;
      min_sizes.push(dim_size);
      max_sizes.push(min_sizes[d] + stride[d] - 1);
    }
    for (let i = 0; i < size.length; i++) {
      if (size[i] < min_sizes[i] || size[i] > max_sizes[i]) {
        const list = (xs: readonly number[]) => `[${xs.join(', ')}]`;
        throw valueError(
          `requested an output size of ${list(output_size)}, but valid sizes range from ${list(min_sizes)} to ` +
            `${list(max_sizes)} (for an input of torch.Size([${input.shape.slice(2).join(', ')}]))`,
        );
      }
    }
    return size.map((s, d) => s - min_sizes[d]);
  }
}

interface ConvTransposeArgs extends FactoryKwargs {
  in_channels: number;
  out_channels: number;
  kernel_size: SizeArg;
  stride?: SizeArg;
  padding?: SizeArg;
  output_padding?: SizeArg;
  groups?: number;
  bias?: boolean;
  dilation?: SizeArg;
  padding_mode?: PaddingMode;
}
type ConvTransposeNames = [
  'in_channels',
  'out_channels',
  'kernel_size',
  'stride',
  'padding',
  'output_padding',
  'groups',
  'bias',
  'dilation',
  'padding_mode',
  'device',
  'dtype',
];

/** 2-D transposed convolution (the gradient of Conv2d with respect to its input). */
export class ConvTranspose2d extends _ConvTransposeNd {
  constructor(...args: PyArgs<ConvTransposeArgs, ConvTransposeNames>) {
    const o = bindArgs<Required<ConvTransposeArgs>>(
      'ConvTranspose2d.__init__',
      [
        ['in_channels', REQUIRED],
        ['out_channels', REQUIRED],
        ['kernel_size', REQUIRED],
        ['stride', 1],
        ['padding', 0],
        ['output_padding', 0],
        ['groups', 1],
        ['bias', true],
        ['dilation', 1],
        ['padding_mode', 'zeros'],
        ['device', null],
        ['dtype', null],
      ],
      args,
    );
    super(
      o.in_channels,
      o.out_channels,
      _pair(o.kernel_size),
      _pair(o.stride),
      _pair(o.padding),
      _pair(o.dilation),
      true,
      _pair(o.output_padding),
      o.groups,
      o.bias,
      o.padding_mode,
      o.device,
      o.dtype,
    );
  }

  override forward(input: Tensor, output_size: readonly number[] | null = null): Tensor {
    if (this.padding_mode !== 'zeros') {
      throw new TorchError('Only `zeros` padding mode is supported for ConvTranspose2d', 'ValueError');
    }
    const padding = this.padding as number[];
    const { stride, kernel_size, dilation, groups } = this;
    const output_padding = this._output_padding(input, output_size, stride, padding, kernel_size, 2, dilation);
    return F.conv_transpose2d(input, this.weight, this.bias, stride, padding, output_padding, groups, dilation);
  }
}
