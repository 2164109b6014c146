/**
 * The command line (commander): `torchts train [options]` and `torchts evaluate [options]`.
 * Values are checked as they are parsed; options left out come from the model's preset
 * (lib/cli/models.ts). Bad input is commander's "error: ..." on stderr and exit status 2.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { __version__ } from '../index';
import { EvalConfig, Hyper, OPTIMIZERS, OptimizerName, SCHEDULERS, SchedulerName, TrainConfig } from './config';
import { DATASETS } from './datasets';
import { MODELS, modelSpec } from './models';

export type ParsedArgs =
  | { command: 'train'; config: TrainConfig; given: ReadonlySet<keyof TrainConfig> }
  | { command: 'evaluate'; config: EvalConfig; given: ReadonlySet<keyof EvalConfig> }
  /** Help or version was printed (or the line was rejected): exit with this status. */
  | { command: 'exit'; code: number };

export const DEFAULT_DATA_ROOT = './data';
const DEFAULT_MODEL = 'lenet5';
const DEFAULT_DATASET = 'fashion-mnist';

function intArg(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected an integer >= ${min}.`);
    }
    return n;
  };
}

function floatArg(positive: boolean): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (positive && n === 0)) {
      throw new InvalidArgumentError(`Expected a ${positive ? 'positive' : 'non-negative'} number.`);
    }
    return n;
  };
}

function datasetArg(v: string): string {
  if (v.startsWith('imagefolder:') ? v.length > 'imagefolder:'.length : v in DATASETS) return v;
  throw new InvalidArgumentError(`Allowed choices are ${[...Object.keys(DATASETS), 'imagefolder:PATH'].join(', ')}.`);
}

function deviceArg(v: string): string {
  if (/^(cpu|cuda(:\d+)?)$/.test(v)) return v;
  throw new InvalidArgumentError('Expected cpu, cuda or cuda:N.');
}

/** Options train and evaluate share. */
function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--model <name>', 'model architecture').choices(Object.keys(MODELS)))
    .option('--dataset <name>', `${Object.keys(DATASETS).join('|')}|imagefolder:PATH`, datasetArg)
    .option('--data-root <path>', `dataset folder (default: "${DEFAULT_DATA_ROOT}")`)
    .option('--batch-size <n>', 'images per batch (default: the model preset)', intArg(1))
    .option('--device <device>', 'cpu, cuda or cuda:N (default: "cpu")', deviceArg)
    .option('--workers <n>', 'DataLoader worker threads (default: 0)', intArg(0))
    .option('--amp', 'mixed precision (float16 autocast on CUDA, bfloat16 on CPU)')
    .option('--test-subset <n>', 'evaluate on the first N test images only', intArg(1))
    .option('--metrics <path>', 'write metrics as JSON to this file')
    .option('--no-progress', 'no progress bar, even on a terminal');
}

interface RawOptions {
  model?: string;
  dataset?: string;
  dataRoot?: string;
  batchSize?: number;
  device?: string;
  workers?: number;
  amp?: boolean;
  testSubset?: number;
  metrics?: string;
  progress: boolean;
  epochs?: number;
  lr?: number;
  optimizer?: OptimizerName;
  momentum?: number;
  weightDecay?: number;
  scheduler?: SchedulerName;
  seed?: number;
  subset?: number;
  stopAfter?: number;
  resume?: string;
  save?: string;
  checkpoint?: string;
}

/** Command-line name -> TrainConfig key, for the options that were given explicitly. */
const KEYS: Record<string, keyof TrainConfig> = {
  model: 'model',
  dataset: 'dataset',
  dataRoot: 'data_root',
  batchSize: 'batch_size',
  device: 'device',
  workers: 'workers',
  amp: 'amp',
  testSubset: 'test_subset',
  metrics: 'metrics',
  progress: 'progress',
  epochs: 'epochs',
  lr: 'lr',
  optimizer: 'optimizer',
  momentum: 'momentum',
  weightDecay: 'weight_decay',
  scheduler: 'scheduler',
  seed: 'seed',
  subset: 'subset',
  stopAfter: 'stop_after',
  resume: 'resume',
  save: 'save',
};

/** The settings given on the command line (not left to defaults). */
function given(cmd: Command): Set<keyof TrainConfig> {
  const out = new Set<keyof TrainConfig>();
  for (const [name, key] of Object.entries(KEYS)) if (cmd.getOptionValueSource(name) === 'cli') out.add(key);
  return out;
}

function trainConfig(o: RawOptions): TrainConfig {
  const model = o.model ?? DEFAULT_MODEL;
  const preset: Hyper = modelSpec(model).preset;
  return {
    model,
    dataset: o.dataset ?? DEFAULT_DATASET,
    data_root: o.dataRoot ?? DEFAULT_DATA_ROOT,
    epochs: o.epochs ?? preset.epochs,
    batch_size: o.batchSize ?? preset.batch_size,
    lr: o.lr ?? preset.lr,
    optimizer: o.optimizer ?? preset.optimizer,
    momentum: o.momentum ?? preset.momentum,
    weight_decay: o.weightDecay ?? preset.weight_decay,
    scheduler: o.scheduler ?? preset.scheduler,
    device: o.device ?? 'cpu',
    workers: o.workers ?? 0,
    amp: o.amp ?? false,
    seed: o.seed ?? 0,
    subset: o.subset ?? null,
    test_subset: o.testSubset ?? null,
    stop_after: o.stopAfter ?? null,
    resume: o.resume ?? null,
    save: o.save ?? null,
    metrics: o.metrics ?? null,
    progress: o.progress,
  };
}

function evalConfig(o: RawOptions): EvalConfig {
  const model = o.model ?? DEFAULT_MODEL;
  return {
    model,
    dataset: o.dataset ?? DEFAULT_DATASET,
    data_root: o.dataRoot ?? DEFAULT_DATA_ROOT,
    batch_size: o.batchSize ?? modelSpec(model).preset.batch_size,
    device: o.device ?? 'cpu',
    workers: o.workers ?? 0,
    amp: o.amp ?? false,
    test_subset: o.testSubset ?? null,
    metrics: o.metrics ?? null,
    progress: o.progress,
    checkpoint: o.checkpoint as string,
  };
}

/** The models, their presets and the datasets, for `train --help`. */
function trainHelp(): string {
  const rows = Object.entries(MODELS).map(([name, m]) => {
    const p = m.preset;
    const opt = p.optimizer === 'sgd' ? `sgd momentum ${p.momentum}` : p.optimizer;
    const preset = `${p.epochs} epochs, batch ${p.batch_size}, ${opt} lr ${p.lr}, wd ${p.weight_decay}, ${p.scheduler}`;
    return `  ${name.padEnd(16)} ${m.describe}\n  ${''.padEnd(16)} preset: ${preset}`;
  });
  const data = [
    ...Object.entries(DATASETS).map(([n, d]) => `  ${n.padEnd(16)} ${d.describe}`),
    `  ${'imagefolder:PATH'.padEnd(16)} PATH/train/<class>/*.png|jpg, PATH/val/<class>/* (ImageNet statistics)`,
  ];
  return [
    '',
    `Defaults: --model ${DEFAULT_MODEL} --dataset ${DEFAULT_DATASET}; other options not given come from`,
    "the model's preset.",
    '',
    'Models:',
    ...rows,
    '',
    'Datasets:',
    ...data,
    '',
    'Examples:',
    '  torchts train --model lenet5 --dataset fashion-mnist --epochs 5 --save lenet.pt --metrics lenet.json',
    '  torchts train --resume lenet.pt',
    '  torchts evaluate --checkpoint lenet.pt',
  ].join('\n');
}

function buildProgram(done: (p: ParsedArgs) => void): Command {
  const program = new Command('torchts')
    .description('Train and evaluate image classifiers with torchts (PyTorch in TypeScript).')
    .version(__version__)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');

  const train = addDataOptions(program.command('train').description('train a model, evaluating it after each epoch'))
    .option('--epochs <n>', 'total epochs (default: the model preset)', intArg(1))
    .option('--lr <x>', 'learning rate (the peak rate for onecycle)', floatArg(true))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS))
    .option('--momentum <x>', 'SGD/RMSprop momentum (default: the model preset)', floatArg(false))
    .option('--weight-decay <x>', 'weight decay (default: the model preset)', floatArg(false))
    .addOption(new Option('--scheduler <name>', 'learning-rate schedule').choices(SCHEDULERS))
    .option('--seed <n>', 'seed for initialisation, shuffling and dropout (default: 0)', intArg(0))
    .option('--subset <n>', 'train on the first N training images only', intArg(1))
    .option('--stop-after <n>', 'stop after N epochs of this run (continue later with --resume)', intArg(1))
    .option('--save <path>', 'checkpoint written (atomically) after every epoch')
    .option('--resume <path>', 'continue from a checkpoint written by --save')
    .action((opts: RawOptions, cmd: Command) => {
      done({ command: 'train', config: trainConfig(opts), given: given(cmd) });
    });
  train.addHelpText('after', trainHelp);

  addDataOptions(program.command('evaluate').description('evaluate a checkpoint on the test split'))
    .requiredOption('--checkpoint <path>', 'a checkpoint from train --save, or a saved state_dict')
    .action((opts: RawOptions, cmd: Command) => {
      done({ command: 'evaluate', config: evalConfig(opts), given: given(cmd) as Set<keyof EvalConfig> });
    });
  return program;
}

/** Parses `argv` (the arguments after the program name). Help, version and errors are printed here. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let parsed: ParsedArgs | null = null;
  const program = buildProgram((p) => (parsed = p));
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Help and --version exit 0; every rejected command line is a usage error (2).
    return { command: 'exit', code: e.exitCode === 0 ? 0 : 2 };
  }
  return parsed ?? { command: 'exit', code: 2 };
}
