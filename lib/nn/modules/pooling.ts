/** torch/nn/modules/pooling.py: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d. */
import { Tensor } from '../../tensor';
import * as F from '../functional';
import { Module } from './module';
import { bindArgs, formatFields, PyArgs, pyStr, REQUIRED, SizeArg } from './utils';

interface MaxPoolArgs<R extends boolean> {
  kernel_size: SizeArg;
  stride?: SizeArg | null;
  padding?: SizeArg;
  dilation?: SizeArg;
  return_indices?: R;
  ceil_mode?: boolean;
}
type MaxPoolNames = ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'];

/**
 * Base of the max poolings. Sizes are kept as given (an int stays an int, as in Python's repr);
 * stride defaults to kernel_size. With `return_indices: true` the call returns `[output, indices]`.
 */
export class _MaxPoolNd<R extends boolean = false> extends Module<(input: Tensor) => F.MaybeIndices<R>> {
  declare kernel_size: SizeArg;
  declare stride: SizeArg;
  declare padding: SizeArg;
  declare dilation: SizeArg;
  declare return_indices: R;
  declare ceil_mode: boolean;

  constructor(...args: PyArgs<MaxPoolArgs<R>, MaxPoolNames>) {
    super();
    const o = bindArgs<Required<MaxPoolArgs<R>>>(
      '_MaxPoolNd.__init__',
      [
        ['kernel_size', REQUIRED],
        ['stride', null],
        ['padding', 0],
        ['dilation', 1],
        ['return_indices', false],
        ['ceil_mode', false],
      ],
      args,
    );
    this.kernel_size = o.kernel_size;
    this.stride = o.stride ?? o.kernel_size;
    this.padding = o.padding;
    this.dilation = o.dilation;
    this.return_indices = o.return_indices;
    this.ceil_mode = o.ceil_mode;
  }

  override extra_repr(): string {
    return formatFields(
      'kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}, ceil_mode={ceil_mode}',
      this,
    );
  }
}

/** 2-D max pooling over (N, C, H, W) inputs. */
export class MaxPool2d<R extends boolean = false> extends _MaxPoolNd<R> {
  override forward(input: Tensor): F.MaybeIndices<R> {
    return F.max_pool2d<R>(input, this.kernel_size, this.stride, this.padding, this.dilation, {
      ceil_mode: this.ceil_mode,
      return_indices: this.return_indices,
    });
  }
}

interface AvgPool2dArgs {
  kernel_size: SizeArg;
  stride?: SizeArg | null;
  padding?: SizeArg;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

/** Base of the average poolings: the printed settings. */
export class _AvgPoolNd extends Module<(input: Tensor) => Tensor> {
  declare kernel_size: SizeArg;
  declare stride: SizeArg;
  declare padding: SizeArg;

  override extra_repr(): string {
    return `kernel_size=${pyStr(this.kernel_size)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}`;
  }
}

/** 2-D average pooling over (N, C, H, W) inputs. */
export class AvgPool2d extends _AvgPoolNd {
  declare ceil_mode: boolean;
  declare count_include_pad: boolean;
  declare divisor_override: number | null;

  constructor(
    ...args: PyArgs<
      AvgPool2dArgs,
      ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']
    >
  ) {
    super();
    const o = bindArgs<Required<AvgPool2dArgs>>(
      'AvgPool2d.__init__',
      [
        ['kernel_size', REQUIRED],
        ['stride', null],
        ['padding', 0],
        ['ceil_mode', false],
        ['count_include_pad', true],
        ['divisor_override', null],
      ],
      args,
    );
    this.kernel_size = o.kernel_size;
    this.stride = o.stride ?? o.kernel_size;
    this.padding = o.padding;
    this.ceil_mode = o.ceil_mode;
    this.count_include_pad = o.count_include_pad;
    this.divisor_override = o.divisor_override;
  }

  override forward(input: Tensor): Tensor {
    return F.avg_pool2d(
      input,
      this.kernel_size,
      this.stride,
      this.padding,
      this.ceil_mode,
      this.count_include_pad,
      this.divisor_override,
    );
  }
}

/** Base of the adaptive max poolings: output_size entries may be null (keep the input's size). */
export class _AdaptiveMaxPoolNd<R extends boolean = false> extends Module<(input: Tensor) => F.MaybeIndices<R>> {
  declare output_size: F.AdaptiveSize;
  declare return_indices: R;

  constructor(...args: PyArgs<{ output_size: F.AdaptiveSize; return_indices?: R }, ['output_size', 'return_indices']>) {
    super();
    const o = bindArgs<{ output_size: F.AdaptiveSize; return_indices: R }>(
      '_AdaptiveMaxPoolNd.__init__',
      [
        ['output_size', REQUIRED],
        ['return_indices', false],
      ],
      args,
    );
    this.output_size = o.output_size;
    this.return_indices = o.return_indices;
  }

  override extra_repr(): string {
    return `output_size=${pyStr(this.output_size)}`;
  }
}

/** 2-D adaptive max pooling to a fixed output size. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends _AdaptiveMaxPoolNd<R> {
  override forward(input: Tensor): F.MaybeIndices<R> {
    return F.adaptive_max_pool2d<R>(input, this.output_size, this.return_indices);
  }
}

/** Base of the adaptive average poolings. */
export class _AdaptiveAvgPoolNd extends Module<(input: Tensor) => Tensor> {
  declare output_size: F.AdaptiveSize;

  constructor(...args: PyArgs<{ output_size: F.AdaptiveSize }, ['output_size']>) {
    super();
    this.output_size = bindArgs<{ output_size: F.AdaptiveSize }>(
      '_AdaptiveAvgPoolNd.__init__',
      [['output_size', REQUIRED]],
      args,
    ).output_size;
  }

  override extra_repr(): string {
    return `output_size=${pyStr(this.output_size)}`;
  }
}

/** 2-D adaptive average pooling to a fixed output size (e.g. `new nn.AdaptiveAvgPool2d([1, 1])`). */
export class AdaptiveAvgPool2d extends _AdaptiveAvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_avg_pool2d(input, this.output_size);
  }
}
