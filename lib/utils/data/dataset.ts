/**
 * torch.utils.data.dataset (PyTorch 1.13): Dataset, IterableDataset, TensorDataset, Subset,
 * ConcatDataset, ChainDataset, random_split.
 *
 * Python's protocol is `__getitem__` / `__len__`; JS code reads better as `getitem(i)` / `length`.
 * Either pair works: the base class bridges each to the other, so a subclass defines one and
 * callers (DataLoader, samplers, user code) may use both.
 *
 * Worker specs: a dataset that should load in DataLoader worker threads (num_workers > 0)
 * says how to rebuild itself there with `workerSpec()` (see ./worker_spec.ts). TensorDataset,
 * Subset and ConcatDataset carry their own; a plain array is sent as data.
 */
import { Tensor, TorchError } from '../../index';
import { Generator, randperm } from '../../generator';
import type { WorkerSpec } from './worker_spec';

/** What samplers, Subset and DataLoader accept as a map-style dataset: a Dataset or an array. */
export type DatasetLike<T> = Dataset<T> | readonly T[];

/** Something with a length: a dataset, an array, a sampler. */
export interface Sized {
  readonly length: number;
}

/** `len(x)` for datasets, samplers and arrays. */
export function len(x: Sized | { __len__(): number }): number {
  if (Array.isArray(x)) return x.length;
  const s = x as { __len__?: () => number; length?: number };
  if (typeof s.__len__ === 'function') return s.__len__();
  if (typeof s.length === 'number') return s.length;
  throw new TypeError(`object of type '${(x as object).constructor?.name ?? typeof x}' has no len()`);
}

/** `dataset[i]` for a Dataset (either convention) or an array. */
export function getItem<T>(ds: DatasetLike<T>, i: number): T {
  if (Array.isArray(ds)) {
    const n = ds.length;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new TorchError('list index out of range', 'IndexError');
    return ds[j] as T;
  }
  return (ds as Dataset<T>).__getitem__(i);
}

/** torch.utils.data.Dataset: map-style, index → sample. */
export class Dataset<T = unknown> {
  /** Python's `dataset[index]`; defined by subclasses (or via `getitem`). */
  __getitem__(index: number): T {
    if (this.getitem !== Dataset.prototype.getitem) return this.getitem(index);
    throw new TorchError(
      `${this.constructor.name} is missing the required "__getitem__" method`,
      'NotImplementedError',
    );
  }

  /** JS spelling of `__getitem__`. */
  getitem(index: number): T {
    if (this.__getitem__ !== Dataset.prototype.__getitem__) return this.__getitem__(index);
    throw new TorchError(
      `${this.constructor.name} is missing the required "__getitem__" method`,
      'NotImplementedError',
    );
  }

  /** Python's `len(dataset)`. */
  __len__(): number {
    return this.length;
  }

  /** JS spelling of `__len__()`. */
  get length(): number {
    if (this.__len__ !== Dataset.prototype.__len__) return this.__len__();
    throw new TypeError(`object of type '${this.constructor.name}' has no len()`);
  }

  /** `dataset + other` in Python: a ConcatDataset of both. */
  add(other: Dataset<T>): ConcatDataset<T> {
    return new ConcatDataset<T>([this, other]);
  }
}

/**
 * torch.utils.data.IterableDataset: a stream of samples (`*[Symbol.iterator]()` or `__iter__`).
 * With num_workers > 0 every worker iterates its own copy; split the work with get_worker_info().
 */
export class IterableDataset<T = unknown> {
  __iter__(): Iterator<T> {
    if (this[Symbol.iterator] !== IterableDataset.prototype[Symbol.iterator]) return this[Symbol.iterator]();
    throw new TorchError(`${this.constructor.name} is missing the required "__iter__" method`, 'NotImplementedError');
  }

  [Symbol.iterator](): Iterator<T> {
    if (this.__iter__ !== IterableDataset.prototype.__iter__) return this.__iter__();
    throw new TorchError(`${this.constructor.name} is missing the required "__iter__" method`, 'NotImplementedError');
  }
}

/** torch.utils.data.TensorDataset(*tensors): sample i is `[t[i] for t in tensors]`. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    for (const t of tensors) {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset(): expected Tensors, got ${typeof t}`);
    }
    if (tensors.length === 0 || !tensors.every((t) => t.size(0) === tensors[0].size(0))) {
      throw new TorchError('Size mismatch between tensors', 'AssertionError');
    }
    this.tensors = tensors;
  }

  override __getitem__(index: number): Tensor[] {
    return this.tensors.map((t) => t.select(0, index));
  }

  override get length(): number {
    return this.tensors[0].size(0);
  }

  /** The tensors cross to workers as typed arrays (./worker_spec.ts encodes them). */
  workerSpec(): WorkerSpec {
    return { module: 'torchts:utils/data', exportName: 'TensorDataset', args: [...this.tensors] };
  }
}

/** torch.utils.data.Subset(dataset, indices). */
export class Subset<T = unknown> extends Dataset<T> {
  constructor(
    readonly dataset: DatasetLike<T>,
    readonly indices: readonly number[],
  ) {
    super();
  }

  override __getitem__(idx: number): T {
    const n = this.indices.length;
    const j = idx < 0 ? idx + n : idx;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new TorchError('list index out of range', 'IndexError');
    return getItem(this.dataset, this.indices[j]);
  }

  override get length(): number {
    return this.indices.length;
  }

  workerSpec(): WorkerSpec {
    return { module: 'torchts:utils/data', exportName: 'Subset', args: [this.dataset, [...this.indices]] };
  }
}

/** torch.utils.data.ConcatDataset(datasets): the samples of each dataset in turn. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: DatasetLike<T>[];
  readonly cumulative_sizes: number[];

  constructor(datasets: Iterable<DatasetLike<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new TorchError('datasets should not be an empty iterable', 'AssertionError');
    for (const d of this.datasets) {
      if (d instanceof IterableDataset)
        throw new TorchError('ConcatDataset does not support IterableDataset', 'AssertionError');
    }
    let s = 0;
    this.cumulative_sizes = this.datasets.map((d) => (s += len(d)));
  }

  override get length(): number {
    return this.cumulative_sizes[this.cumulative_sizes.length - 1];
  }

  override __getitem__(idx: number): T {
    if (idx < 0) {
      if (-idx > this.length)
        throw new TorchError('absolute value of index should not exceed dataset length', 'ValueError');
      idx = this.length + idx;
    }
    // bisect_right(cumulative_sizes, idx)
    let lo = 0;
    let hi = this.cumulative_sizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (idx < this.cumulative_sizes[mid]) hi = mid;
      else lo = mid + 1;
    }
    const sampleIdx = lo === 0 ? idx : idx - this.cumulative_sizes[lo - 1];
    if (lo >= this.datasets.length) throw new TorchError('list index out of range', 'IndexError');
    return getItem(this.datasets[lo], sampleIdx);
  }

  workerSpec(): WorkerSpec {
    return { module: 'torchts:utils/data', exportName: 'ConcatDataset', args: [this.datasets] };
  }
}

/** torch.utils.data.ChainDataset(datasets): iterable datasets one after another. */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  constructor(readonly datasets: Iterable<IterableDataset<T>>) {
    super();
  }

  override *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset))
        throw new TorchError('ChainDataset only supports IterableDataset', 'AssertionError');
      yield* { [Symbol.iterator]: () => d[Symbol.iterator]() };
    }
  }
}

/**
 * random_split(dataset, lengths, { generator }): non-overlapping Subsets of the given lengths,
 * or of fractions summing to 1 (floor of each, remainders dealt round-robin), as 1.13.
 */
export function random_split<T>(
  dataset: DatasetLike<T>,
  lengths: readonly number[],
  opts: { generator?: Generator | null } = {},
): Subset<T>[] {
  const n = len(dataset);
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 * Math.max(1, Math.abs(total)) && total <= 1) {
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new TorchError(`Fraction at index ${i} is not between 0 and 1`, 'ValueError');
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
    sizes.forEach((l, i) => {
      if (l === 0) process.emitWarning(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n)
    throw new TorchError('Sum of input lengths does not equal the length of the input dataset!', 'ValueError');
  const indices = Array.from(
    randperm(sum, opts.generator ?? null).toTypedArray() as ArrayLike<number | bigint>,
    Number,
  );
  let offset = 0;
  return sizes.map((l) => new Subset(dataset, indices.slice(offset, (offset += l))));
}
