/**
 * torchvision.datasets.VisionDataset: root, transform / target_transform (or a joint
 * `transforms`), and Python's `__len__` / `__getitem__` spelled both ways (`length` and
 * `getitem(i)` for JS, `__len__()` and `__getitem__(i)` for code ported from Python).
 *
 * Images: torchts has no PIL. Where torchvision hands a PIL image to `transform`, these datasets
 * hand a uint8 CPU tensor in HWC layout (H×W for one-channel "L" images such as MNIST, H×W×3 for
 * RGB). torchts' transforms (ToTensor, ...) accept such tensors as they accept PIL images.
 *
 * Constructors take `(root, opts)` or, as torchvision's keyword call, `({ root, ...opts })`.
 */
import * as os from 'os';
import { TorchError } from '../../errors';
import { Dataset } from '../../utils/data/dataset';
import type { WorkerSpec } from '../../utils/data/worker_spec';
import { Keywords, RootArgs, rootArgs, WithRoot } from './_args';

export type Transform<I = unknown, O = unknown> = (input: I) => O;

/** The transforms torchvision's built-in datasets take (MNIST, CIFAR10, ImageFolder, ...). */
export interface TransformOptions<I, T> {
  transform?: Transform<I> | null;
  target_transform?: Transform<T> | null;
}

export const TRANSFORM_KEYWORDS = { transform: true, target_transform: true } satisfies Keywords<
  TransformOptions<unknown, unknown>
>;

/** A dataset's options as its base class takes them: `super(root, transformOptions(opts))`. */
export function transformOptions<I, T>(opts: TransformOptions<I, T>): TransformOptions<I, T> {
  return { transform: opts.transform, target_transform: opts.target_transform };
}

/** VisionDataset's own keywords: only it takes the joint `transforms`, as in torchvision. */
export interface VisionDatasetOptions<I, T> extends TransformOptions<I, T> {
  /** Takes (image, target) and returns both; exclusive with transform / target_transform. */
  transforms?: ((image: I, target: T) => [unknown, unknown]) | null;
}

const VISION_KEYWORDS = { ...TRANSFORM_KEYWORDS, transforms: true } satisfies Keywords<
  VisionDatasetOptions<unknown, unknown>
>;

export function expanduser(p: string): string {
  return p === '~' || p.startsWith('~/') ? os.homedir() + p.slice(1) : p;
}

export abstract class VisionDataset<I = unknown, T = unknown> extends Dataset<[unknown, unknown]> {
  readonly root: string;
  transform: Transform<I> | null;
  target_transform: Transform<T> | null;
  transforms: ((image: I, target: T) => [unknown, unknown]) | null;

  constructor(root: string, opts?: VisionDatasetOptions<I, T>);
  constructor(opts: WithRoot<VisionDatasetOptions<I, T>>);
  constructor(...args: RootArgs<VisionDatasetOptions<I, T>>) {
    super();
    const [root, opts] = rootArgs<VisionDatasetOptions<I, T>>('VisionDataset.__init__', args, VISION_KEYWORDS);
    this.root = expanduser(root);
    const hasSeparate = opts.transform != null || opts.target_transform != null;
    if (opts.transforms != null && hasSeparate) {
      throw new TorchError('Only transforms or transform/target_transform can be passed as argument', 'ValueError');
    }
    this.transform = opts.transform ?? null;
    this.target_transform = opts.target_transform ?? null;
    this.transforms = opts.transforms ?? null;
  }

  /** The number of samples (Python's len(dataset)). */
  abstract override get length(): number;

  /** The raw (image, target) pair at an index already checked to be in range. */
  protected abstract rawItem(index: number): [I, T];

  override __len__(): number {
    return this.length;
  }

  /** dataset[index] → [image, target] after the transforms; negative indices count from the end. */
  override getitem(index: number): [unknown, unknown] {
    const n = this.length;
    if (!Number.isInteger(index)) throw new TypeError(`${this.constructor.name} indices must be integers`);
    const i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) throw new TorchError(`${this.constructor.name} index ${index} is out of range`, 'IndexError');
    const [img, target] = this.rawItem(i);
    if (this.transforms) return this.transforms(img, target);
    return [this.transform ? this.transform(img) : img, this.target_transform ? this.target_transform(target) : target];
  }

  override __getitem__(index: number): [unknown, unknown] {
    return this.getitem(index);
  }

  /**
   * For DataLoader workers (num_workers > 0): a built-in dataset travels as its fields (loaded
   * data as shared memory, transforms as their specs), like a pickled Python object, so a worker
   * does not re-read the files. A subclass of your own gives its module:
   * `workerSpec() { return { module: __filename, exportName: 'MyDataset', state: { ...this } }; }`.
   */
  workerSpec(): WorkerSpec {
    const cls = this.constructor as { name: string };
    // Looked up lazily: the index imports this file.

    const builtins = require('./index') as Record<string, unknown>;
    if (builtins[cls.name] !== cls) {
      throw new TypeError(
        `${cls.name} has no workerSpec(): DataLoader workers (num_workers > 0) rebuild the dataset in their thread; ` +
          `define workerSpec() { return { module: __filename, exportName: '${cls.name}', state: { ...this } }; } ` +
          'on the class, or use num_workers: 0',
      );
    }
    return { module: 'torchts:vision/datasets', exportName: cls.name, state: { ...(this as object) } };
  }

  *[Symbol.iterator](): IterableIterator<[unknown, unknown]> {
    for (let i = 0; i < this.length; i++) yield this.getitem(i);
  }

  extra_repr(): string {
    return '';
  }

  /** torchvision's repr: name, size, root, extra lines. */
  toString(): string {
    const lines = [`Number of datapoints: ${this.length}`, `Root location: ${this.root}`];
    const extra = this.extra_repr();
    if (extra) lines.push(...extra.split('\n'));
    return [`Dataset ${this.constructor.name}`, ...lines.map((l) => '    ' + l)].join('\n');
  }
}
