/**
 * The settings of one `torchts train` / `torchts evaluate` run, after argument parsing and the
 * model's preset have filled in what the command line left out. Plain JSON-able data: it is
 * stored in checkpoints and metrics files.
 */

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const SCHEDULERS = ['cosine', 'step', 'onecycle', 'none'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

/** The hyper-parameters a model preset may set (per-model defaults). */
export interface Hyper {
  epochs: number;
  batch_size: number;
  lr: number;
  optimizer: OptimizerName;
  momentum: number;
  weight_decay: number;
  scheduler: SchedulerName;
}

/** What selects the data: shared by train and evaluate. */
export interface DataConfig {
  model: string;
  /** A registry name, or `imagefolder:PATH`. */
  dataset: string;
  data_root: string;
  batch_size: number;
  device: string;
  workers: number;
  /** Use only the first N test images (null: all). */
  test_subset: number | null;
  /** Show a progress bar (when stdout is a terminal). */
  progress: boolean;
}

export interface TrainConfig extends DataConfig, Hyper {
  amp: boolean;
  seed: number;
  /** Train on the first N training images (null: all). */
  subset: number | null;
  /** Stop this invocation after N epochs (the schedule still spans `epochs`); continue with --resume. */
  stop_after: number | null;
  resume: string | null;
  save: string | null;
  metrics: string | null;
}

export interface EvalConfig extends DataConfig {
  checkpoint: string;
  amp: boolean;
  metrics: string | null;
}

/** A bad command line or settings that contradict each other: exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Settings a resumed run must share with the run that wrote the checkpoint (they decide the
 * numbers); the rest (device, workers, paths, progress, stop_after) may differ.
 */
export const RESUME_FIXED: readonly (keyof TrainConfig)[] = [
  'model',
  'dataset',
  'epochs',
  'batch_size',
  'lr',
  'optimizer',
  'momentum',
  'weight_decay',
  'scheduler',
  'amp',
  'seed',
  'subset',
];
