/** torch/nn/modules/batchnorm.py: _NormBase, BatchNorm1d, BatchNorm2d, BatchNorm3d. */
import { empty, ones, tensor, zeros } from '../../creation';
import { int64 } from '../../dtype';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import * as F from '../functional';
import * as init from '../init';
import { Parameter } from '../parameter';
import { Module } from './module';
import { bindArgs, FactoryKwargs, formatFields, PyArgs, REQUIRED, valueError } from './utils';

export interface NormArgs extends FactoryKwargs {
  num_features: number;
  eps?: number;
  /** null: a cumulative moving average instead of an exponential one. */
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
}
export type NormNames = ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats', 'device', 'dtype'];

/** Common base of BatchNorm and InstanceNorm: affine parameters and running statistics. */
export class _NormBase extends Module<(input: Tensor) => Tensor> {
  /** Version 2 added num_batches_tracked (see _load_from_state_dict). */
  static override _version = 2;

  declare num_features: number;
  declare eps: number;
  declare momentum: number | null;
  declare affine: boolean;
  declare track_running_stats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(qualname: string, defaults: { affine: boolean; track_running_stats: boolean }, args: readonly unknown[]) {
    super();
    const o = bindArgs<Required<NormArgs>>(
      qualname,
      [
        ['num_features', REQUIRED],
        ['eps', 1e-5],
        ['momentum', 0.1],
        ['affine', defaults.affine],
        ['track_running_stats', defaults.track_running_stats],
        ['device', null],
        ['dtype', null],
      ],
      args,
    );
    const factory_kwargs = { device: o.device, dtype: o.dtype };
    this.num_features = o.num_features;
    this.eps = o.eps;
    this.momentum = o.momentum;
    this.affine = o.affine;
    this.track_running_stats = o.track_running_stats;
    if (this.affine) {
      this.weight = new Parameter(empty(o.num_features, factory_kwargs));
      this.bias = new Parameter(empty(o.num_features, factory_kwargs));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    if (this.track_running_stats) {
      this.register_buffer('running_mean', zeros(o.num_features, factory_kwargs));
      this.register_buffer('running_var', ones(o.num_features, factory_kwargs));
      this.register_buffer('num_batches_tracked', tensor(0, { dtype: int64, device: o.device }));
    } else {
      this.register_buffer('running_mean', null);
      this.register_buffer('running_var', null);
      this.register_buffer('num_batches_tracked', null);
    }
    this.reset_parameters();
  }

  reset_running_stats(): void {
    if (this.track_running_stats) {
      // running_var/mean may be replaced by load_state_dict, so reset in place.
      (this.running_mean as Tensor).zero_();
      (this.running_var as Tensor).fill_(1);
      (this.num_batches_tracked as Tensor).zero_();
    }
  }

  reset_parameters(): void {
    this.reset_running_stats();
    if (this.affine) {
      init.ones_(this.weight as Parameter);
      init.zeros_(this.bias as Parameter);
    }
  }

  _check_input_dim(_input: Tensor): void {
    throw new TorchError('', 'NotImplementedError');
  }

  override extra_repr(): string {
    return formatFields(
      '{num_features}, eps={eps}, momentum={momentum}, affine={affine}, track_running_stats={track_running_stats}',
      this,
    );
  }

  /** Checkpoints from before version 2 have no num_batches_tracked: it loads as 0. */
  override _load_from_state_dict(
    state_dict: Record<string, unknown>,
    prefix: string,
    local_metadata: Record<string, unknown>,
    strict: boolean,
    missing_keys: string[],
    unexpected_keys: string[],
    error_msgs: string[],
  ): void {
    const version = local_metadata.version as number | null | undefined;
    if ((version === null || version === undefined || version < 2) && this.track_running_stats) {
      const num_batches_tracked_key = `${prefix}num_batches_tracked`;
      if (!(num_batches_tracked_key in state_dict)) state_dict[num_batches_tracked_key] = tensor(0, { dtype: int64 });
    }
    super._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs);
  }
}

/** Batch normalization: per-channel statistics of the batch in training, running ones in eval. */
export class _BatchNorm extends _NormBase {
  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    // exponential_average_factor is momentum, or 1/n for a cumulative average (momentum null).
    let exponential_average_factor = this.momentum === null ? 0.0 : this.momentum;
    if (this.training && this.track_running_stats) {
      if (this.num_batches_tracked !== null) {
        this.num_batches_tracked.add_(1);
        if (this.momentum === null) exponential_average_factor = 1.0 / Number(this.num_batches_tracked.item());
        else exponential_average_factor = this.momentum;
      }
    }
    // Batch statistics in training, and in eval when there are no running statistics.
    const bn_training = this.training ? true : this.running_mean === null && this.running_var === null;
    // Running statistics are updated only in training with tracking on, and used in eval.
    const useRunning = !this.training || this.track_running_stats;
    return F.batch_norm(
      input,
      useRunning ? this.running_mean : null,
      useRunning ? this.running_var : null,
      this.weight,
      this.bias,
      bn_training,
      exponential_average_factor,
      this.eps,
    );
  }
}

/** BatchNorm over (N, C) or (N, C, L) inputs. */
export class BatchNorm1d extends _BatchNorm {
  constructor(...args: PyArgs<NormArgs, NormNames>) {
    super('_BatchNorm.__init__', { affine: true, track_running_stats: true }, args);
  }

  override _check_input_dim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw valueError(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/** BatchNorm over (N, C, H, W) inputs. */
export class BatchNorm2d extends _BatchNorm {
  constructor(...args: PyArgs<NormArgs, NormNames>) {
    super('_BatchNorm.__init__', { affine: true, track_running_stats: true }, args);
  }

  override _check_input_dim(input: Tensor): void {
    if (input.dim() !== 4) throw valueError(`expected 4D input (got ${input.dim()}D input)`);
  }
}

/** BatchNorm over (N, C, D, H, W) inputs. */
export class BatchNorm3d extends _BatchNorm {
  constructor(...args: PyArgs<NormArgs, NormNames>) {
    super('_BatchNorm.__init__', { affine: true, track_running_stats: true }, args);
  }

  override _check_input_dim(input: Tensor): void {
    if (input.dim() !== 5) throw valueError(`expected 5D input (got ${input.dim()}D input)`);
  }
}
