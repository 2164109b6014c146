/** torch/nn/modules/instancenorm.py: InstanceNorm1d, InstanceNorm2d, InstanceNorm3d. */
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import * as F from '../functional';
import { _NormBase, NormArgs, NormNames } from './batchnorm';
import { PyArgs, valueError } from './utils';

/** Normalizes each sample's channels over their spatial extent (no affine, no running stats by default). */
export class _InstanceNorm extends _NormBase {
  constructor(args: readonly unknown[]) {
    super('_InstanceNorm.__init__', { affine: false, track_running_stats: false }, args);
  }

  /** The input rank without a batch dimension. */
  _get_no_batch_dim(): number {
    throw new TorchError('', 'NotImplementedError');
  }

  _handle_no_batch_input(input: Tensor): Tensor {
    return this._apply_instance_norm(input.unsqueeze(0)).squeeze(0);
  }

  _apply_instance_norm(input: Tensor): Tensor {
    return F.instance_norm(
      input,
      this.running_mean,
      this.running_var,
      this.weight,
      this.bias,
      this.training || !this.track_running_stats,
      // null (no momentum) is not valid here, as in Python: F.instance_norm rejects it.
      this.momentum as number,
      this.eps,
    );
  }

  /** Pre-0.4 checkpoints carry running stats that a track_running_stats=False layer does not have. */
  override _load_from_state_dict(
    state_dict: Record<string, unknown>,
    prefix: string,
    local_metadata: Record<string, unknown>,
    strict: boolean,
    missing_keys: string[],
    unexpected_keys: string[],
    error_msgs: string[],
  ): void {
    const version = local_metadata.version;
    if ((version === null || version === undefined) && !this.track_running_stats) {
      const running_stats_keys = ['running_mean', 'running_var'].map((n) => prefix + n).filter((k) => k in state_dict);
      if (running_stats_keys.length > 0) {
        const klass = this._get_name();
        error_msgs.push(
          `Unexpected running stats buffer(s) ${running_stats_keys.map((k) => `"${k}"`).join(' and ')} for ${klass} ` +
            'with track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, this may be expected ' +
            `because ${klass} does not track running stats by default since 0.4.0. Please remove these keys from ` +
            'state_dict. If the running stats are actually needed, instead set track_running_stats=True in ' +
            `${klass} to enable them. See the documentation of ${klass} for details.`,
        );
        for (const key of running_stats_keys) delete state_dict[key];
      }
    }
    super._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs);
  }

  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    if (input.dim() === this._get_no_batch_dim()) return this._handle_no_batch_input(input);
    return this._apply_instance_norm(input);
  }
}

/** InstanceNorm over (N, C, L) or (C, L) inputs. */
export class InstanceNorm1d extends _InstanceNorm {
  constructor(...args: PyArgs<NormArgs, NormNames>) {
    super(args);
  }

  override _get_no_batch_dim(): number {
    return 2;
  }

  override _check_input_dim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw valueError(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/** InstanceNorm over (N, C, H, W) or (C, H, W) inputs. */
export class InstanceNorm2d extends _InstanceNorm {
  constructor(...args: PyArgs<NormArgs, NormNames>) {
    super(args);
  }

  override _get_no_batch_dim(): number {
    return 3;
  }

  override _check_input_dim(input: Tensor): void {
    if (input.dim() !== 3 && input.dim() !== 4) throw valueError(`expected 3D or 4D input (got ${input.dim()}D input)`);
  }
}

/** InstanceNorm over (N, C, D, H, W) or (C, D, H, W) inputs. */
export class InstanceNorm3d extends _InstanceNorm {
  constructor(...args: PyArgs<NormArgs, NormNames>) {
    super(args);
  }

  override _get_no_batch_dim(): number {
    return 4;
  }

  override _check_input_dim(input: Tensor): void {
    if (input.dim() !== 4 && input.dim() !== 5) throw valueError(`expected 4D or 5D input (got ${input.dim()}D input)`);
  }
}
