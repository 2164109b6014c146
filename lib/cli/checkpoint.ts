/**
 * Training checkpoints: everything a resumed run needs to continue exactly where the interrupted
 * one stopped (model, optimizer, scheduler and loss-scaler state, the epochs done and their
 * metrics, the global RNG). Written with torch.save, which replaces
 * the file atomically (temporary file, fsync, rename: lib/serialization/atomic.ts), so a crash
 * mid-write leaves the previous epoch's checkpoint intact. The file is PyTorch's format, pickled as
 * Python's torch.save pickles the same dict: Python reads it with `torch.load(path)`. Not with
 * PyTorch 1.13's `weights_only=True`: its restricted unpickler has no BINFLOAT, the only pickle
 * opcode for a Python float, so it refuses the learning rates, betas and metrics here as it refuses
 * Python's own checkpoints holding floats (everything else in the file passes it; PyTorch >= 2.0
 * reads BINFLOAT). Writing those floats as anything else would change what Python reads back.
 */
import * as torch from '../index';
import { Tensor } from '../index';
import type { OptimizerStateDict, OptimizerStateDictInput } from '../optim/optimizer';
import type { GradScalerState } from '../amp';
import { TrainConfig, UsageError } from './config';
import type { EpochRecord } from './metrics';

/** Bumped when the layout changes. */
export const CHECKPOINT_VERSION = 1;

type SchedulerState = Record<string, unknown>;

export interface Checkpoint {
  torchts_checkpoint: number;
  /** Epochs completed. */
  epoch: number;
  config: TrainConfig;
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict | OptimizerStateDictInput;
  scheduler: SchedulerState | null;
  scaler: GradScalerState | null;
  metrics: EpochRecord[];
  /** The global CPU generator (dropout, augmentation in the main thread). */
  rng_state: Tensor;
}

/**
 * A scheduler's state without function-valued entries (OneCycleLR keeps its annealing function as
 * state; Python pickles it by name, here the rebuilt scheduler already has the same one).
 */
export function schedulerState(sd: SchedulerState): SchedulerState {
  return Object.fromEntries(Object.entries(sd).filter(([, v]) => typeof v !== 'function'));
}

export function saveCheckpoint(file: string, ckpt: Checkpoint): void {
  torch.save(ckpt, file);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Tensor) && !Array.isArray(v) && !(v instanceof Map);
}

function isStateDict(v: unknown): v is Record<string, Tensor> {
  return isRecord(v) && Object.keys(v).length > 0 && Object.values(v).every((t) => t instanceof Tensor);
}

function loadFile(file: string): unknown {
  try {
    return torch.load(file, { map_location: 'cpu' });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UsageError(`cannot read checkpoint ${file}: ${why}`);
  }
}

/** A checkpoint written by `torchts train --save`. */
export function loadCheckpoint(file: string): Checkpoint {
  const obj = loadFile(file);
  if (!isRecord(obj) || typeof obj.torchts_checkpoint !== 'number' || !isStateDict(obj.model)) {
    throw new UsageError(`${file} is not a torchts training checkpoint (written by torchts train --save)`);
  }
  if (obj.torchts_checkpoint > CHECKPOINT_VERSION) {
    const v = obj.torchts_checkpoint;
    throw new UsageError(`${file} has checkpoint version ${v}; this torchts reads up to ${CHECKPOINT_VERSION}`);
  }
  return obj as unknown as Checkpoint;
}

/**
 * The model weights in a file: a torchts training checkpoint, a plain state_dict
 * (`torch.save(model.state_dict(), path)`, also from Python), or a dict holding one under
 * `model`, `state_dict` or `model_state_dict`. Returns the checkpoint's config when it has one.
 */
export function loadWeights(file: string): { state_dict: Record<string, Tensor>; config: TrainConfig | null } {
  const obj = loadFile(file);
  if (isStateDict(obj)) return { state_dict: obj, config: null };
  if (isRecord(obj)) {
    for (const key of ['model', 'state_dict', 'model_state_dict']) {
      const sd = obj[key];
      if (isStateDict(sd)) {
        const config = typeof obj.torchts_checkpoint === 'number' ? (obj.config as TrainConfig) : null;
        return { state_dict: sd, config };
      }
    }
  }
  throw new UsageError(`${file} holds no state_dict (expected a state_dict or a torchts checkpoint)`);
}
