/** torch/nn/modules/upsampling.py: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d. */
import { Tensor } from '../../tensor';
import * as F from '../functional';
import { Module } from './module';
import { bindArgs, PyArgs, pyFloatOrTuple, pyStr } from './utils';

interface UpsampleArgs {
  size?: number | readonly number[] | null;
  scale_factor?: number | readonly number[] | null;
  mode?: F.InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
}

/** Resizes to `size` or by `scale_factor` with F.interpolate. */
export class Upsample extends Module<(input: Tensor) => Tensor> {
  declare name: string;
  declare size: number | readonly number[] | null;
  /** Floats in Python (`float(scale_factor)`), printed as such: `scale_factor=2.0`. */
  declare scale_factor: number | readonly number[] | null;
  declare mode: F.InterpolateMode;
  declare align_corners: boolean | null;
  declare recompute_scale_factor: boolean | null;

  constructor(
    ...args: PyArgs<UpsampleArgs, ['size', 'scale_factor', 'mode', 'align_corners', 'recompute_scale_factor']>
  ) {
    super();
    const o = bindArgs<Required<UpsampleArgs>>(
      'Upsample.__init__',
      [
        ['size', null],
        ['scale_factor', null],
        ['mode', 'nearest'],
        ['align_corners', null],
        ['recompute_scale_factor', null],
      ],
      args,
    );
    this.name = new.target.name;
    this.size = o.size;
    // Python: `float(scale_factor) if scale_factor else None` (0 becomes None too).
    this.scale_factor = Array.isArray(o.scale_factor) ? [...o.scale_factor] : o.scale_factor ? o.scale_factor : null;
    this.mode = o.mode;
    this.align_corners = o.align_corners;
    this.recompute_scale_factor = o.recompute_scale_factor;
  }

  override forward(input: Tensor): Tensor {
    return F.interpolate(input, this.size, this.scale_factor, this.mode, this.align_corners, {
      recompute_scale_factor: this.recompute_scale_factor,
    });
  }

  override extra_repr(): string {
    const info =
      this.scale_factor !== null ? `scale_factor=${pyFloatOrTuple(this.scale_factor)}` : `size=${pyStr(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

type Size2Args = PyArgs<
  { size?: number | readonly number[] | null; scale_factor?: number | readonly number[] | null },
  ['size', 'scale_factor']
>;

/** Upsample with mode 'nearest'. */
export class UpsamplingNearest2d extends Upsample {
  constructor(...args: Size2Args) {
    const o = bindArgs<{ size: number | number[] | null; scale_factor: number | number[] | null }>(
      'UpsamplingNearest2d.__init__',
      [
        ['size', null],
        ['scale_factor', null],
      ],
      args,
    );
    super(o.size, o.scale_factor, { mode: 'nearest' });
  }
}

/** Upsample with mode 'bilinear' and align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(...args: Size2Args) {
    const o = bindArgs<{ size: number | number[] | null; scale_factor: number | number[] | null }>(
      'UpsamplingBilinear2d.__init__',
      [
        ['size', null],
        ['scale_factor', null],
      ],
      args,
    );
    super(o.size, o.scale_factor, { mode: 'bilinear', align_corners: true });
  }
}
